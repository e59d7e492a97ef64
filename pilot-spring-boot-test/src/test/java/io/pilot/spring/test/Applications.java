package io.pilot.spring.test;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** Two applications as a user would write them: each is one agent with one capability. */
final class Applications {

    private Applications() {
    }

    record CitationQuery(String doi) {
    }

    record Citation(String doi, int year) {
    }

    @PilotAgent
    static class PapersAgent {
        @Capability("papers.resolve-citation")
        Citation resolve(CitationQuery query) {
            return new Citation(query.doi(), 2017);
        }
    }

    @PilotAgent
    static class CoordinatorAgent {
        @Capability("coordinator.plan")
        String plan(String goal) {
            return "plan for " + goal;
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(PapersAgent.class)
    static class PapersApplication {
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(CoordinatorAgent.class)
    static class CoordinatorApplication {
    }
}

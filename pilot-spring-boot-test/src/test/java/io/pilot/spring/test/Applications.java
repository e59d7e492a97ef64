package io.pilot.spring.test;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotClient;

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

    record Pair(String from, String to) {
    }

    record Rate(String from, String to, double rate) {
    }

    record PriceChanged(String item, double price) {
    }

    /** An application that depends on another agent's capability and tells a group what it does. */
    static class Pricing {

        private final PilotClient client;

        Pricing(PilotClient client) {
            this.client = client;
        }

        double priceIn(String currency, double euros) {
            return euros * client.call("fx.rate", new Pair("EUR", currency), Rate.class).rate();
        }

        void announce(PriceChanged change) {
            client.broadcast("pricing-events", change);
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Pricing.class)
    static class PricingApplication {
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

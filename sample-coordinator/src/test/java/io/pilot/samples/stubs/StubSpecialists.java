package io.pilot.samples.stubs;

import io.pilot.spring.Capability;
import io.pilot.spring.GroupListener;
import io.pilot.spring.PilotAgent;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Stand-ins for the specialists, answering the capability contract with fixed data: what the coordinator's
 * own tests run against (the real specialists are tested in their module and in the fleet's end-to-end test).
 */
public final class StubSpecialists {

    /** Topics the papers stub was told about by broadcast. */
    public static final List<String> NOTICES = new CopyOnWriteArrayList<>();

    private StubSpecialists() {
    }

    public record Notice(String topic, String requestedBy) {
    }

    @PilotAgent(groups = "RESEARCH")
    public static class Papers {
        @Capability("papers.search")
        public Map<String, Object> search(Map<String, Object> query) {
            return Map.of("query", query.get("query"), "total", 1, "results", List.of(Map.of("doi",
                    "10.48550/arXiv.1706.03762", "title", "Attention Is All You Need", "year", 2017, "citedBy", 3)));
        }

        @GroupListener("RESEARCH")
        public void notice(Notice notice) {
            NOTICES.add(notice.topic() + " by " + notice.requestedBy());
        }
    }

    @PilotAgent(groups = "RESEARCH")
    public static class Fx {
        @Capability("fx.rate")
        public Map<String, Object> rate(Map<String, String> query) {
            if (!List.of("USD", "GBP", "JPY").contains(query.get("quote"))) {
                throw new IllegalArgumentException("unknown currency " + query.get("quote"));
            }
            return Map.of("base", query.get("base"), "quote", query.get("quote"), "date", "2024-03-15", "rate", 1.0876);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Papers.class)
    public static class PapersApplication {
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Fx.class)
    public static class FxApplication {
    }
}

package io.pilot.spring.autoconfigure;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** Agents the tests run. */
final class Agents {

    private Agents() {
    }

    record CitationQuery(String doi) {
    }

    record Citation(String doi, String title, int year) {
    }

    @PilotAgent(groups = "RESEARCH")
    static class PapersAgent {

        final AtomicInteger notes = new AtomicInteger();

        @Capability(value = "papers.resolve-citation", description = "DOI to citation")
        Citation resolve(CitationQuery query) {
            if (!query.doi().startsWith("10.")) {
                throw new IllegalArgumentException("unknown DOI " + query.doi());
            }
            return new Citation(query.doi(), "A paper about " + query.doi(), 2017);
        }

        @Capability("papers.search")
        CompletableFuture<List<Citation>> search(String topic) {
            return CompletableFuture.supplyAsync(() -> List.of(new Citation("10.1/" + topic, topic, 2020)));
        }

        @Capability("papers.note")
        void note(String text) {
            notes.incrementAndGet();
        }

        @Capability("papers.count")
        int count() {
            return notes.get();
        }
    }

    @PilotAgent
    static class DuplicateA {
        @Capability("same.name")
        String a(String in) {
            return in;
        }
    }

    @PilotAgent
    static class DuplicateB {
        @Capability("same.name")
        String b(String in) {
            return in;
        }
    }
}

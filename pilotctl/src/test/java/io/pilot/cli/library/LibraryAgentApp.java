package io.pilot.cli.library;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotCapabilityException;

import java.time.LocalDate;
import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot agent with typed capabilities for {@code CapabilityCallIT} (in a package of its own, so that
 * {@code SpringAgentApp}'s component scan does not find it): its schemas are generated from these
 * types and published in its record, so {@code pilotctl describe} shows them and {@code pilotctl call} checks
 * arguments against them. Launched as a process of its own with the test classpath.
 */
@SpringBootApplication
public class LibraryAgentApp {

    enum Kind { ARTICLE, BOOK }

    record Author(String name) {
    }

    record Citation(String doi, Kind kind, LocalDate published, List<Author> authors) {
    }

    record Added(String doi, int authors) {
    }

    @PilotAgent
    static class Library {
        @Capability(value = "library.add", description = "Adds a citation to the library")
        Added add(Citation citation) {
            return new Added(citation.doi(), citation.authors().size());
        }

        @Capability(value = "library.find", description = "Finds a citation by DOI")
        Citation find(String doi) {
            throw PilotCapabilityException.notFound("no citation " + doi);
        }
    }

    public static void main(String[] args) {
        SpringApplication.run(LibraryAgentApp.class, args);
    }
}

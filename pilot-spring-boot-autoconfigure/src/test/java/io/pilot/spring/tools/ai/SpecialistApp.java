package io.pilot.spring.tools.ai;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotCapabilityException;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;

import java.io.IOException;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A specialist agent in a process of its own, as a user runs one: {@code --specialist=papers} serves
 * {@code papers.search}, {@code --specialist=fx} serves {@code fx.rate}; each reply names the process that answered.
 * Prints {@code ready} once registered and exits when its stdin ends (the test is done, or its JVM died).
 */
@SpringBootConfiguration
@ImportAutoConfiguration({JacksonAutoConfiguration.class, PilotAutoConfiguration.class})
public class SpecialistApp {

    public static void main(String[] args) throws IOException {
        String specialist = System.getProperty("specialist", "papers");
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SpecialistApp.class,
                specialist.equals("fx") ? Specialists.Fx.class : Specialists.Papers.class).web(WebApplicationType.NONE).run(args);
        try (context) {
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the test closes our stdin
            }
        } finally {
            System.exit(0); // the node's threads would keep the JVM alive
        }
    }
}

/** The agents, outside the configuration class (whose member classes Spring would register, both at once). */
final class Specialists {

    private Specialists() {
    }

    static final long PID = ProcessHandle.current().pid();

    record Paper(String title, int year) {
    }

    record PaperSearch(String query, List<Paper> papers, long servedByPid) {
    }

    record Pair(String base, String quote) {
    }

    record Rate(String pair, double rate, long servedByPid) {
    }

    @PilotAgent
    static class Papers {
        @Capability(value = "papers.search", description = "papers whose title holds every word of the query")
        PaperSearch search(String query, @Nullable Integer limit) {
            if (query.isBlank()) {
                throw PilotCapabilityException.invalidArgument("the query is blank");
            }
            return new PaperSearch(query, List.of(new Paper("Attention is all you need", 2017)), PID);
        }
    }

    @PilotAgent
    static class Fx {
        @Capability(value = "fx.rate", description = "the reference rate of a currency pair")
        Rate rate(Pair pair) {
            return new Rate(pair.base() + pair.quote(), 1.0842, PID);
        }
    }
}

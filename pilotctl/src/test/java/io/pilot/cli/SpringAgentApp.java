package io.pilot.cli;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;


import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot agent for {@link PilotCtlIT}: the starter's auto-configuration opens its control socket, so
 * pilotctl manages it like a daemon. Launched as a process of its own with the test classpath; the
 * {@code pilot.*} settings come as command-line arguments.
 */
@SpringBootApplication
public class SpringAgentApp {

    @PilotAgent(groups = "RESEARCH")
    static class Summaries {
        @Capability("papers.summarize")
        String summarize(String text) {
            return text.length() > 40 ? text.substring(0, 40) + "…" : text;
        }
    }

    public static void main(String[] args) {
        // No web server here: the running Pilot node keeps the JVM alive until the context closes.
        SpringApplication.run(SpringAgentApp.class, args);
    }
}

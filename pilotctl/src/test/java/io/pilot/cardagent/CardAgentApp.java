package io.pilot.cardagent;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;

import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot web agent for {@code AgentCardIT}: it serves its signed A2A card. Launched as a process of its own
 * with the test classpath and {@code --spring.main.web-application-type=servlet}. Outside {@code io.pilot.cli}, so that
 * {@code SpringAgentApp}'s component scan does not find its capabilities.
 */
@SpringBootApplication
public class CardAgentApp {

    record Paper(String title, int year) {
    }

    @PilotAgent
    static class Papers {
        @Capability(value = "papers.search", description = "Finds papers on a topic")
        List<Paper> search(String topic) {
            return List.of(new Paper(topic, 2024));
        }

        @Capability(value = "papers.summarize", description = "Summarizes a paper's abstract")
        String summarize(String text) {
            return text.length() > 40 ? text.substring(0, 40) : text;
        }
    }

    public static void main(String[] args) {
        SpringApplication.run(CardAgentApp.class, args);
    }
}

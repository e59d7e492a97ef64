package io.pilot.samples.coordinator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The research coordinator: hosts the embedded backbone (unless told to use another), finds the specialists
 * by capability, calls them in parallel over direct tunnels and aggregates one answer. {@code POST /research}
 * and the page at {@code /}.
 */
@SpringBootApplication
public class CoordinatorApplication {

    public static void main(String[] args) {
        SpringApplication.run(CoordinatorApplication.class, args);
    }
}

package io.pilot.samples.coordinator;

import io.pilot.spring.ImportPilotClients;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The research coordinator: hosts the embedded backbone (unless told to use another), finds the specialists
 * by capability, calls them in parallel over direct tunnels and aggregates one answer. {@code POST /research}
 * and the page at {@code /}. The specialists it calls are client interfaces, injected like any bean.
 */
@SpringBootApplication
@ImportPilotClients(types = {Papers.class, News.class, Fx.class})
public class CoordinatorApplication {

    public static void main(String[] args) {
        SpringApplication.run(CoordinatorApplication.class, args);
    }
}

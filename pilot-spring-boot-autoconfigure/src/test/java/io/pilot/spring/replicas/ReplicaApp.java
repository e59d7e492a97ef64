package io.pilot.spring.replicas;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The application {@link ReplicasTests} runs three times, as a Deployment's pods: one configuration for all. */
@SpringBootApplication
public class ReplicaApp {

    public static void main(String[] args) {
        SpringApplication.run(ReplicaApp.class, args);
    }

    @PilotAgent(groups = "REPLICAS")
    static class RatesAgent {
        @Capability("fx.rate")
        double rate(String pair) {
            return 1.0664;
        }
    }
}

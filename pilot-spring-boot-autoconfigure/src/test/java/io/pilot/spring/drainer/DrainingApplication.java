package io.pilot.spring.drainer;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotClient;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application {@code SigtermDrainTests} runs as a process of its own and stops with SIGTERM: an agent
 * serving a slow capability, and a web endpoint whose requests call another agent's slow capability.
 */
@SpringBootApplication
public class DrainingApplication {

    /** Printed when a slow call starts being served, so that the test knows when to send the signal. */
    public static final String SERVING = "SERVING ";

    public static void main(String[] args) {
        SpringApplication.run(DrainingApplication.class, args);
    }

    @PilotAgent
    static class SlowAgent {

        @Capability("drain.slow")
        String slow(String job) throws InterruptedException {
            System.out.println(SERVING + job);
            System.out.flush();
            Thread.sleep(2000);
            return "served " + job;
        }
    }

    @RestController
    static class RelayController {

        private final PilotClient pilot;

        RelayController(PilotClient pilot) {
            this.pilot = pilot;
        }

        /** An HTTP request that calls out through this application's agent while it is served. */
        @GetMapping("/relay")
        String relay(@RequestParam String job) {
            return "relayed " + pilot.call("remote.slow", job, String.class);
        }
    }
}

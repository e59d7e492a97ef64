package io.pilot.benchmarks.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The bench app of {@code bin/bench}'s call section, one jar in two roles chosen by Spring profile:
 * {@code provider} answers the same echo four ways (a Pilot {@code @Capability} on the handler executor and one on
 * the event loop, an HTTP/JSON endpoint and a NATS responder), {@code caller} calls it those ways on the runner's
 * orders and reports what it measured. Both are ordinary Spring Boot applications with the Pilot starter, configured
 * only through {@code pilot.*} and {@code bench.*} properties on the command line.
 */
@SpringBootApplication
public class BenchApplication {

    public static void main(String[] args) {
        SpringApplication.run(BenchApplication.class, args);
    }
}

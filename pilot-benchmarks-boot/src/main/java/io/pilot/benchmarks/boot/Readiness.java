package io.pilot.benchmarks.boot;

import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * When this app became ready, for the runner: it polls {@code GET /bench/ready} until it answers 200, and takes
 * {@code readyMicros} as the moment a provider joined (the starter registers the node and its capabilities with the
 * backbone while the context starts, before it is ready).
 */
@RestController
public class Readiness {

    private final String hostname;
    private volatile long readyMicros;

    public Readiness(@Value("${pilot.hostname}") String hostname) {
        this.hostname = hostname;
    }

    @Order(Ordered.LOWEST_PRECEDENCE)
    @EventListener(ApplicationReadyEvent.class)
    public void ready() {
        readyMicros = EpochMicros.now();
    }

    @GetMapping("/bench/ready")
    public ResponseEntity<Map<String, Object>> readiness() {
        long at = readyMicros;
        return at == 0 ? ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).build()
                : ResponseEntity.ok(Map.of("hostname", hostname, "readyMicros", at));
    }
}

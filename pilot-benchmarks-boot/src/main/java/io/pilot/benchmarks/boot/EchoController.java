package io.pilot.benchmarks.boot;

import java.util.Map;

import org.springframework.context.annotation.Profile;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The echo as plain HTTP/JSON, the baseline a Spring user would write instead of a capability. */
@Profile("provider")
@RestController
public class EchoController {

    private final Echo echo;

    public EchoController(Echo echo) {
        this.echo = echo;
    }

    @PostMapping("/echo")
    public EchoReply echo(@RequestBody EchoRequest request) {
        return echo.answer(request);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    public ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
    }
}

package io.pilot.benchmarks.boot;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.context.annotation.Profile;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The runner's orders to the caller, over HTTP on loopback: measure sequential latency, measure calls per second
 * with calls in flight, or trace calls while the runner changes the providers. {@code kind} names a contender of
 * {@link Contenders}. One order at a time: the runner waits for each answer.
 */
@Profile("caller")
@RestController
@RequestMapping("/bench")
public class CallerController {

    private final Contenders contenders;
    private CallTrace trace;

    public CallerController(Contenders contenders) {
        this.contenders = contenders;
    }

    @PostMapping("/latency")
    public LatencyRun latency(@RequestParam String kind, @RequestParam int warmup, @RequestParam int calls,
            @RequestParam long budgetMillis) {
        return LatencyRun.of(contenders.get(kind), warmup, calls, Duration.ofMillis(budgetMillis));
    }

    @PostMapping("/rate")
    public RateRun rate(@RequestParam String kind, @RequestParam int inFlight, @RequestParam long millis)
            throws InterruptedException {
        return RateRun.of(contenders.get(kind), inFlight, Duration.ofMillis(millis));
    }

    @PostMapping("/trace/start")
    public synchronized Map<String, String> startTrace(@RequestParam String kind) {
        if (trace != null) {
            throw new IllegalArgumentException("a trace is already running");
        }
        trace = CallTrace.start(contenders.get(kind));
        return Map.of("started", kind);
    }

    @GetMapping("/trace/last")
    public synchronized Map<String, Object> lastAnswered() {
        if (trace == null) {
            throw new IllegalArgumentException("no trace is running");
        }
        CallTrace.Latest latest = trace.latest();
        return latest.by() == null ? Map.of() : Map.of("by", latest.by(), "inARow", latest.inARow());
    }

    @PostMapping("/trace/stop")
    public synchronized List<CallTrace.TracedCall> stopTrace() throws InterruptedException {
        if (trace == null) {
            throw new IllegalArgumentException("no trace is running");
        }
        try {
            return trace.stop();
        } finally {
            trace = null;
        }
    }

    @ExceptionHandler(IllegalArgumentException.class)
    public ResponseEntity<Map<String, String>> badOrder(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
    }
}

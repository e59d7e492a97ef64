package io.pilot.samples.coordinator;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the page's research detail draws ({@code static/research-detail.js}): {@code GET /api/research/recent}, the
 * latest research requests as waterfalls (each part's start, duration, responder and path), newest first; and
 * {@code GET /api/traces/{traceId}}, a request's trace across the fleet as the demo's trace collector has it so far
 * ({@link TraceSource}), or 404 when this coordinator has no collector to ask.
 */
@RestController
public class ResearchDetailController {

    private final ResearchHistory history;
    private final TraceSource traces;

    public ResearchDetailController(ResearchHistory history, TraceSource traces) {
        this.history = history;
        this.traces = traces;
    }

    @GetMapping("/api/research/recent")
    public List<ResearchHistory.Waterfall> recent() {
        return history.latest();
    }

    @GetMapping("/api/traces/{traceId}")
    public ResponseEntity<String> trace(@PathVariable String traceId) {
        String json = traces.trace(traceId).orElseThrow(NoCollector::new);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(json);
    }

    /** This coordinator was not told where traces are collected. */
    private static final class NoCollector extends RuntimeException {
    }

    @ExceptionHandler(NoCollector.class)
    ProblemDetail noCollector() {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no trace collector to ask: bin/demo runs one and sets "
                + "demo.traces-url; where traces go elsewhere (bin/demo --otlp), look the trace up there");
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badTraceId(IllegalArgumentException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(TraceSource.Unavailable.class)
    ProblemDetail collectorUnavailable(TraceSource.Unavailable e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY, e.getMessage());
    }
}

package io.pilot.samples.coordinator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Where the page's trace trees come from: the query API of the trace collector that {@code bin/demo} runs
 * ({@code demo.traces-url}, e.g. {@code http://127.0.0.1:40123/traces}; it answers {@code GET /traces/{traceId}} with
 * the spans received so far as JSON). Unset when traces go elsewhere (or nowhere): then there is no tree to show.
 */
@Component
public class TraceSource {

    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

    private final String tracesUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public TraceSource(@Value("${demo.traces-url:}") String tracesUrl) {
        this.tracesUrl = tracesUrl.strip();
    }

    /** Thrown when the collector cannot be asked, or answers something other than the trace. */
    static final class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The trace's spans as the collector has them so far (JSON); empty if no collector is configured.
     *
     * @throws IllegalArgumentException if {@code traceId} is not 32 lowercase hex digits
     * @throws Unavailable if the collector does not answer
     */
    public Optional<String> trace(String traceId) {
        if (traceId == null || !TRACE_ID.matcher(traceId).matches()) {
            throw new IllegalArgumentException("a trace id is 32 lowercase hex digits, was '" + traceId + "'");
        }
        if (tracesUrl.isEmpty()) {
            return Optional.empty();
        }
        URI uri = URI.create(tracesUrl + "/" + traceId);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new Unavailable("the trace collector at " + tracesUrl + " answered " + response.statusCode() + ": "
                        + response.body().strip(), null);
            }
            return Optional.of(response.body());
        } catch (IOException e) {
            throw new Unavailable("the trace collector at " + tracesUrl + " does not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while asking the trace collector", e);
        }
    }
}

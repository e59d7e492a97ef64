package io.pilot.samples.coordinator.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The fleet's control API as the coordinator reaches it ({@code demo.control-url}, set by bin/demo): the fleet owns
 * the processes, so stopping, starting and impairing agents is its to do; the coordinator only passes the page's
 * requests on and the fleet's answers back, refusals included.
 */
public class FleetControl {

    /** Starting a specialist waits until it is healthy: seconds on a loaded machine. */
    private static final Duration LONGEST = Duration.ofMinutes(3);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public FleetControl(URI base) {
        this.base = base;
    }

    /**
     * @param method GET or POST
     * @param pathAndQuery the fleet's path, e.g. {@code /agents/specialist-fx/loss?percent=20}
     */
    public Answer send(String method, String pathAndQuery) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(LONGEST)
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Answer(502, "{\"error\":\"the fleet's control API at " + base + " does not answer\"}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(503, "{\"error\":\"interrupted\"}");
        }
    }

    /**
     * The fleet's answer.
     *
     * @param status its HTTP status
     * @param json its body, a JSON document
     */
    public record Answer(int status, String json) {
    }
}

package io.pilot.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The key figures {@code pilotctl backbone status} shows from the backbone's status JSON (its {@code status.json}
 * beside the page), or why they could not be read: the status page is a view, so a backbone that does not answer
 * over HTTP is reported, not an error of the command.
 *
 * @param status the JSON the backbone served, or null
 * @param error why it could not be read, or null
 */
record StatusFigures(JsonNode status, String error) {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Reads {@code status.json} beside the page at {@code pageUrl}. */
    static StatusFigures read(String pageUrl) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build(); // Java 17: not AutoCloseable
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(pageUrl).resolve("status.json"))
                    .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return new StatusFigures(null, "HTTP " + response.statusCode());
            }
            return new StatusFigures(JSON.readTree(response.body()), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new StatusFigures(null, "interrupted");
        } catch (Exception e) {
            return new StatusFigures(null, e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        }
    }

    /** One line: registrations, groups and the rates. */
    String summary() {
        if (status == null) {
            return "status page not answering: " + error;
        }
        JsonNode rates = status.path("rates");
        return String.format("%d registrations · %d groups · %s registrations/s · %s lookups/s · relayed %s",
                status.path("registrations").asInt(), status.path("groups").size(),
                HumanUnits.perSecond(rates.path("registrationsPerSecond").asDouble()),
                HumanUnits.perSecond(rates.path("lookupsPerSecond").asDouble()),
                HumanUnits.bytesPerSecond(rates.path("relayBytesPerSecond").asDouble()));
    }

    /** For {@code --json}: the backbone's status, or the error. */
    Object json() {
        return status != null ? status : Map.of("error", error);
    }
}

package io.pilot.engine.card;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fetches an agent card over HTTP(S) and believes it only if its signature checks out against the key the directory
 * holds for the node it names ({@link CardSignature#verify}). A base URL gets the well-known path appended.
 */
public final class AgentCardVerifier {

    /** Where A2A (§8.2) puts an agent's card. */
    public static final String WELL_KNOWN_PATH = "/.well-known/agent-card.json";
    /** The largest card read: a card is a page of JSON, and a larger answer is not one. */
    static final int MAX_CARD_BYTES = 1024 * 1024;

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final HttpClient http;
    private final KeyDirectory directory;
    private final Duration timeout;

    /** @param directory where keys are looked up; null for a verifier that only {@link #fetch fetches} */
    public AgentCardVerifier(KeyDirectory directory, Duration timeout) {
        this.directory = directory;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** A card and the node it was verified against. */
    public record VerifiedCard(JsonNode card, KeyDirectory.Listing node) {
    }

    /**
     * Fetches and verifies the card at {@code url} (an agent's base URL, or the card's own). Throws
     * {@link IllegalArgumentException} for a URL that is not http(s), {@link CardException} for a card that
     * cannot be fetched or believed.
     */
    public VerifiedCard fetchAndVerify(String url) {
        JsonNode card = fetch(url);
        return new VerifiedCard(card, CardSignature.verify(card, directory));
    }

    /**
     * The card at {@code url}, not yet believed: for a caller that looks the node up itself before
     * {@link CardSignature#verify}. Throws as {@link #fetchAndVerify} does.
     */
    public JsonNode fetch(String url) {
        return fetch(cardUri(url));
    }

    /** The card's URL: {@code url} itself if it names a path, else the well-known path on that origin. */
    public static URI cardUri(String url) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL: " + e.getMessage());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + url + "' is not an http(s) URL with a host, e.g. http://localhost:8080");
        }
        String path = uri.getRawPath();
        return path == null || path.isEmpty() || path.equals("/") ? uri.resolve(WELL_KNOWN_PATH) : uri;
    }

    private JsonNode fetch(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new CardException("cannot fetch " + uri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CardException("interrupted while fetching " + uri, e);
        }
        if (response.statusCode() != 200) {
            throw new CardException(uri + " answered HTTP " + response.statusCode() + ", not a card");
        }
        if (response.body().length > MAX_CARD_BYTES) {
            throw new CardException(uri + " answered " + response.body().length + " bytes, more than a card ("
                    + MAX_CARD_BYTES + ")");
        }
        try {
            return MAPPER.readTree(response.body());
        } catch (JacksonException e) {
            throw new CardException(uri + " did not answer JSON: " + e.getOriginalMessage(), e);
        }
    }
}

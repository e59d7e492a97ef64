package io.pilot.engine.backbone;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The backbone's status page: one static HTML file (no library: numbers in human units, no charts) that
 * fetches the status JSON every two seconds. The standalone backbone ({@link BackboneStatusServer}) and the
 * starter's Actuator endpoint serve the same page, each telling it where its JSON is.
 */
public final class BackboneStatusPage {

    private static final String RESOURCE = "backbone-status.html";
    private static final String JSON_URL_MARK = "@@STATUS_JSON_URL@@";

    private BackboneStatusPage() {
    }

    /** The page, fetching its JSON from {@code jsonUrl} (relative to the page, or absolute). */
    public static String html(String jsonUrl) {
        if (jsonUrl.contains("\"") || jsonUrl.contains("<")) {
            throw new IllegalArgumentException("not a URL to put in the page: " + jsonUrl);
        }
        try (InputStream in = BackboneStatusPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the engine's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace(JSON_URL_MARK, jsonUrl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

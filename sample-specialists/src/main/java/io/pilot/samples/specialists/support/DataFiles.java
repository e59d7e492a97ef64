package io.pilot.samples.specialists.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import org.w3c.dom.Document;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the data files bundled under {@code data/} on the class path: JSON into records, XML into a DOM.
 * Every failure names the file, so a broken data file stops the application at start-up with a message that
 * says where to look.
 */
public final class DataFiles {

    /** Strict, unlike the application's mapper: a misspelt field in a data file is a bug, not an extension. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private DataFiles() {
    }

    public static <T> T readJson(String resource, Class<T> type) {
        try (InputStream in = open(resource)) {
            return JSON.readValue(in, type);
        } catch (JacksonException e) {
            throw new DataException(resource, "not valid JSON for " + type.getSimpleName() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    public static Document readXml(String resource) {
        try (InputStream in = open(resource)) {
            return SafeXml.parse(in, resource);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static InputStream open(String resource) {
        InputStream in = DataFiles.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new DataException(resource, "not found on the class path");
        }
        return in;
    }
}

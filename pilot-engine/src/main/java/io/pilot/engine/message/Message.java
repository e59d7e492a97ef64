package io.pilot.engine.message;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * What a node sends and receives: a body of bytes and a small map of headers (content type,
 * correlation id, W3C trace context...). Immutable; the {@link #with} methods return copies.
 *
 * <p>The body array is shared, not copied, so that a 16 MiB message is not copied at every hand-off:
 * do not modify an array after giving it to a message, nor the one {@link #body()} returns.
 */
public final class Message {

    /** Longest header name, in bytes (ASCII). */
    public static final int MAX_HEADER_NAME = 255;

    /** Longest header value, in bytes (UTF-8). */
    public static final int MAX_HEADER_VALUE = 8192;

    /** Most headers on one message. */
    public static final int MAX_HEADERS = 64;

    private static final byte[] EMPTY = new byte[0];

    private final HeaderMap headers;
    private final byte[] body;

    private Message(HeaderMap headers, byte[] body) {
        this.headers = headers;
        this.body = body;
    }

    public static Message of(byte[] body) {
        return new Message(HeaderMap.EMPTY, Objects.requireNonNull(body, "body"));
    }

    public static Message of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8)).with(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    }

    public static Message empty() {
        return of(EMPTY);
    }

    /**
     * A copy with one header set (replacing any earlier value). Names are lower-case ASCII
     * ({@code [a-z0-9._-]}), as in HTTP/2.
     */
    public Message with(String name, String value) {
        checkHeader(name, value);
        return withHeaders(headers.with(name, value));
    }

    /** A copy with every header of {@code more} set, each checked as {@link #with} checks it. */
    public Message withAll(Map<String, String> more) {
        more.forEach(Message::checkHeader);
        return withHeaders(headers.withAll(more));
    }

    /**
     * A message read off the wire: {@code headers} (the decoder's, handed over: neither copied nor kept by the
     * decoder) are checked as {@link #with} checks them and then held as they are.
     */
    static Message decoded(byte[] body, HeaderMap headers) {
        if (headers.isEmpty()) {
            return of(body);
        }
        headers.forEach(Message::checkHeader);
        if (headers.size() > MAX_HEADERS) {
            throw new IllegalArgumentException("a message carries at most " + MAX_HEADERS + " headers");
        }
        return new Message(headers, Objects.requireNonNull(body, "body"));
    }

    private Message withHeaders(HeaderMap changed) {
        if (changed.size() > MAX_HEADERS) {
            throw new IllegalArgumentException("a message carries at most " + MAX_HEADERS + " headers");
        }
        return new Message(changed, body);
    }

    private static void checkHeader(String name, String value) {
        Headers.checkName(name);
        Objects.requireNonNull(value, "value");
        // UTF-8 takes at most 3 bytes per char (4 per surrogate pair): short values need no encoding to be measured.
        if (value.length() * 3 > MAX_HEADER_VALUE && value.getBytes(StandardCharsets.UTF_8).length > MAX_HEADER_VALUE) {
            throw new IllegalArgumentException("header '" + name + "' is longer than " + MAX_HEADER_VALUE + " bytes");
        }
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** A header's value, or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /** The body; shared, do not modify. */
    public byte[] body() {
        return body;
    }

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Message[headers=" + headers + ", body=" + body.length + " bytes]";
    }
}

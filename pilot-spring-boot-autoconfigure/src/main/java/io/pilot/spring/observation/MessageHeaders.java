package io.pilot.spring.observation;

import io.pilot.engine.message.Message;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * How trace context is written to and read from Pilot message headers, for every observation context that carries
 * it: {@link Message} is immutable, so writers fill a map of headers that the sender then adds to the message.
 * Header names are lower-case on the wire; a header Pilot could not carry (a name outside its alphabet, a value
 * too long) is left out rather than failing the send.
 */
final class MessageHeaders {

    private MessageHeaders() {
    }

    /** Adds {@code name: value} to the headers to send, lower-cased, unless Pilot could not carry it. */
    static void put(Map<String, String> carrier, String name, String value) {
        if (carrier == null || name == null || value == null) {
            return;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (isValidName(lower) && value.getBytes(StandardCharsets.UTF_8).length <= Message.MAX_HEADER_VALUE) {
            carrier.put(lower, value);
        }
    }

    /** The header {@code name} of a received message, looked up lower-case; null if absent. */
    static String get(Message message, String name) {
        return message == null || name == null ? null : message.header(name.toLowerCase(Locale.ROOT));
    }

    private static boolean isValidName(String name) {
        if (name.isEmpty() || name.length() > Message.MAX_HEADER_NAME) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.')) {
                return false;
            }
        }
        return true;
    }
}

package io.pilot.engine.directory;

import java.nio.charset.StandardCharsets;
import java.util.function.IntPredicate;

/**
 * The rules for names in the directory, checked wherever a name enters: configuration, the network,
 * the CLI. Each refusal says what is allowed.
 */
public final class Names {

    public static final int MAX_HOSTNAME = 63;
    public static final int MAX_CAPABILITY = 128;
    public static final int MAX_GROUP = 64;
    public static final int MAX_METADATA_KEY = 64;
    public static final int MAX_METADATA_VALUE = 1024;
    /** A join token travels as a {@code string8}: at most 255 bytes of UTF-8. */
    public static final int MAX_JOIN_TOKEN = 255;

    private Names() {
    }

    /**
     * Whether every char of {@code name} is allowed. A plain loop, not a stream over the chars: a capability's name
     * is checked several times on every call.
     */
    private static boolean allMatch(String name, IntPredicate allowed) {
        for (int i = 0; i < name.length(); i++) {
            if (!allowed.test(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Hostnames are DNS labels: 1-63 of {@code a-z 0-9 -}, not starting or ending with '-'. */
    public static String checkHostname(String hostname) {
        if (hostname == null || hostname.isEmpty() || hostname.length() > MAX_HOSTNAME
                || !allMatch(hostname, c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')
                || hostname.startsWith("-") || hostname.endsWith("-")) {
            throw new IllegalArgumentException("invalid hostname '" + hostname + "': use 1-" + MAX_HOSTNAME
                    + " lower-case letters, digits and '-', not starting or ending with '-'");
        }
        return hostname;
    }

    /** Capabilities: 1-128 of {@code a-z 0-9 . _ -}, e.g. {@code papers.resolve-citation}. */
    public static String checkCapability(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_CAPABILITY
                || !allMatch(name, c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')) {
            throw new IllegalArgumentException("invalid capability '" + name + "': use 1-" + MAX_CAPABILITY
                    + " lower-case letters, digits, '.', '_' and '-'");
        }
        return name;
    }

    /** Groups: 1-64 of {@code A-Z a-z 0-9 . _ -}, e.g. {@code RESEARCH}. */
    public static String checkGroup(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_GROUP
                || !allMatch(name, c -> c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                        || c == '.' || c == '_' || c == '-')) {
            throw new IllegalArgumentException("invalid group '" + name + "': use 1-" + MAX_GROUP
                    + " letters, digits, '.', '_' and '-'");
        }
        return name;
    }

    /**
     * A realm's join token: 1-255 bytes of UTF-8, not blank. The refusal never quotes the token: it is a secret,
     * and refusals end up in logs.
     */
    public static String checkJoinToken(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("a join token must not be empty or blank");
        }
        int bytes = token.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_JOIN_TOKEN) {
            throw new IllegalArgumentException("a join token is at most " + MAX_JOIN_TOKEN + " bytes of UTF-8; this one has "
                    + bytes);
        }
        return token;
    }

    static void checkMetadata(String key, String value) {
        if (key == null || key.isEmpty() || key.length() > MAX_METADATA_KEY || value == null
                || value.getBytes(StandardCharsets.UTF_8).length > MAX_METADATA_VALUE) {
            throw new IllegalArgumentException("capability metadata '" + key + "' must have a key of 1-"
                    + MAX_METADATA_KEY + " characters and a value of at most " + MAX_METADATA_VALUE + " bytes");
        }
    }
}

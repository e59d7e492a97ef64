package io.pilot.spring.tools;

import io.pilot.engine.directory.Names;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A capability's name as a tool name that language-model APIs and MCP accept ({@code [a-zA-Z0-9_-]{1,64}}), one to
 * one. Capabilities are written in {@code a-z 0-9 . _ -}; a tool name keeps letters, digits and {@code -}, writes
 * {@code .} as {@code _} and {@code _} as {@code _U} ({@code papers.search} is {@code papers_search}, {@code my_tool}
 * is {@code my_Utool}). No capability holds an upper-case letter, so a {@code _} followed by {@code U} can only be an
 * underscore, and any other {@code _} a dot: two capabilities never share a tool name. A name that would be longer than
 * 64 is cut to its first 55 characters and {@code -} and the first 8 hex digits of the SHA-256 of the capability's name.
 */
public final class ToolNames {

    /** The longest tool name that OpenAI's, Anthropic's and MCP's rules all accept. */
    public static final int MAX_LENGTH = 64;

    private static final int KEPT_WHEN_CUT = MAX_LENGTH - 9;

    private ToolNames() {
    }

    /**
     * The tool name of {@code capability}.
     *
     * @throws IllegalArgumentException if {@code capability} is not a valid capability name
     */
    public static String of(String capability) {
        Names.checkCapability(capability);
        StringBuilder name = new StringBuilder(capability.length() + 8);
        for (int i = 0; i < capability.length(); i++) {
            char c = capability.charAt(i);
            switch (c) {
                case '.' -> name.append('_');
                case '_' -> name.append("_U");
                default -> name.append(c);
            }
        }
        if (name.length() <= MAX_LENGTH) {
            return name.toString();
        }
        return name.substring(0, KEPT_WHEN_CUT) + "-" + HexFormat.of().formatHex(sha256(capability), 0, 4);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}

package io.pilot.spring.autoconfigure;

import io.pilot.engine.directory.Names;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The realm's join token, from {@code pilot.backbone.join-token} (the token itself, e.g. a secret in
 * {@code PILOT_BACKBONE_JOIN_TOKEN}) or {@code pilot.backbone.join-token-file} (a file holding it: a mounted secret, a
 * systemd credential), never both. Refusals name the property and the problem, never the token.
 */
final class ConfiguredJoinToken {

    static final String TOKEN = "pilot.backbone.join-token";
    static final String FILE = "pilot.backbone.join-token-file";

    /** Far more than a token may hold ({@link Names#MAX_JOIN_TOKEN}); the cap keeps a wrong path such as /dev/zero out. */
    private static final int MAX_FILE_BYTES = 4096;

    private ConfiguredJoinToken() {
    }

    /** @return the token, or null when neither property is set */
    static String from(PilotProperties.Backbone properties) {
        boolean fromValue = properties.getJoinToken() != null && !properties.getJoinToken().isBlank();
        Path file = properties.getJoinTokenFile();
        if (fromValue && file != null) {
            throw new PilotConfigurationException("pilot.backbone", "both join-token and join-token-file are set",
                    "Set " + TOKEN + " (the token itself) or " + FILE + " (a file holding it), not both");
        }
        if (fromValue) {
            return checked(TOKEN, properties.getJoinToken());
        }
        return file == null ? null : checked(FILE + " (" + file + ")", firstLine(file));
    }

    private static String checked(String source, String token) {
        try {
            return Names.checkJoinToken(token);
        } catch (IllegalArgumentException e) {
            throw new PilotConfigurationException(source, e.getMessage(),
                    "Give the join token the backbone was started with (BackboneMain --join-token-file, PILOT_JOIN_TOKEN)");
        }
    }

    /** The file's text without one trailing line break; it must be one line of UTF-8. */
    private static String firstLine(Path file) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(read(file))).toString();
        } catch (CharacterCodingException e) {
            throw fileProblem(file, "is not UTF-8 text");
        }
        String token = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (token.isEmpty()) {
            throw fileProblem(file, "is empty");
        }
        if (token.indexOf('\n') >= 0 || token.indexOf('\r') >= 0) {
            throw fileProblem(file, "holds more than one line; put only the token in it");
        }
        return token;
    }

    private static byte[] read(Path file) {
        if (Files.isDirectory(file)) {
            throw fileProblem(file, "is a directory");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw fileProblem(file, "holds more than " + MAX_FILE_BYTES + " bytes; put only the token in it");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw fileProblem(file, "does not exist");
        } catch (AccessDeniedException e) {
            throw fileProblem(file, "cannot be read: permission denied");
        } catch (IOException e) {
            throw fileProblem(file, "cannot be read: " + e.getMessage());
        }
    }

    private static PilotConfigurationException fileProblem(Path file, String problem) {
        return new PilotConfigurationException(FILE, file + " " + problem,
                "Point " + FILE + " at a readable file whose first line is the realm's join token, or set " + TOKEN);
    }
}

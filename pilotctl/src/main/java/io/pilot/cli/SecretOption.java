package io.pilot.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A secret option (a group's token, a realm's join token), read from where other users of the machine cannot
 * see it. A process's command line is world-readable ({@code ps}, {@code /proc/PID/cmdline}); its environment
 * and a mode-0600 file are not. So, in this order:
 * <ol>
 *   <li>{@code --OPTION-file PATH}: the file's first line;</li>
 *   <li>{@code --OPTION -}: the first line of standard input (a pipe, a prompt-free heredoc);</li>
 *   <li>{@code --OPTION VALUE}: still taken, so that scripts keep working, with a warning that others can read
 *       it (refusing it would break them at once, for a risk that exists only on shared machines);</li>
 *   <li>the environment variable, when no option is given.</li>
 * </ol>
 * The file and standard input are read up to {@link #MAX_BYTES}; one trailing line break is not part of the secret.
 *
 * @param option the option's name, e.g. {@code --token}; its file option is that name with {@code -file}
 * @param variable the environment variable, e.g. {@code PILOT_GROUP_TOKEN}
 */
record SecretOption(String option, String variable) {

    /** Value of the option that means "read it from standard input". */
    static final String STDIN = "-";

    /** Longer than any token the backbone takes (a join token is at most 255 bytes); the cap keeps /dev/zero out. */
    static final int MAX_BYTES = 4096;

    static final SecretOption GROUP_TOKEN = new SecretOption("--token", "PILOT_GROUP_TOKEN");
    static final SecretOption JOIN_TOKEN = new SecretOption("--join-token", "PILOT_JOIN_TOKEN");

    String fileOption() {
        return option + "-file";
    }

    /**
     * @param value the option's value, or null when not given
     * @param file the file option's value, or null when not given
     * @param warn told, in one line, when the secret came on the command line
     * @return the secret, or null when none was given anywhere
     * @throws IllegalArgumentException naming the option and what is wrong: both options given, a file that is
     *         missing, unreadable, empty, too large or of more than one line, nothing on standard input
     */
    String read(String value, Path file, Map<String, String> environment, InputStream stdin, Consumer<String> warn) {
        if (value != null && file != null) {
            throw new IllegalArgumentException("give " + option + " or " + fileOption() + ", not both");
        }
        if (file != null) {
            return firstLine(fileOption() + " " + file, open(file));
        }
        if (STDIN.equals(value)) {
            return firstLine(option + " - (standard input)", stdin);
        }
        if (value != null) {
            if (value.isEmpty()) {
                throw new IllegalArgumentException(option + " is empty");
            }
            warn.accept("warning: " + option + " on the command line is visible to every user of this machine (ps);"
                    + " use " + fileOption() + " PATH, " + variable + " or " + option + " - (standard input)");
            return value;
        }
        String inEnvironment = environment.get(variable);
        return inEnvironment == null || inEnvironment.isEmpty() ? null : inEnvironment;
    }

    private InputStream open(Path file) {
        try {
            if (Files.isDirectory(file)) {
                throw new IllegalArgumentException("cannot read " + fileOption() + " " + file + ": it is a directory");
            }
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("cannot read " + fileOption() + " " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("cannot read " + fileOption() + " " + file + ": permission denied");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + fileOption() + " " + file + ": " + e.getMessage());
        }
    }

    private static String firstLine(String source, InputStream in) {
        byte[] bytes;
        try (in) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + source + ": " + e.getMessage());
        }
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException(source + " holds more than " + MAX_BYTES + " bytes; put only the token in it");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(source + " is not UTF-8 text");
        }
        String secret = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (secret.isEmpty()) {
            throw new IllegalArgumentException(source + " is empty");
        }
        if (secret.indexOf('\n') >= 0 || secret.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(source + " holds more than one line; put only the token in it");
        }
        return secret;
    }
}

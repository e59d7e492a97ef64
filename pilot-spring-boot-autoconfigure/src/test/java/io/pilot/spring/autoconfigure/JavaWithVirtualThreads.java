package io.pilot.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a {@code java} of version 21 or later on this machine, for the virtual-thread test of a starter that is
 * built (and usually tested) on Java 17: the test JVM itself if it is 21+, else a JDK named by a
 * {@code JAVA_HOME}-style variable ({@code JAVA_HOME}, {@code JDK_HOME}, {@code JAVA21_HOME},
 * {@code JAVA_HOME_21_X64}...) or installed where Linux distributions, macOS and SDKMAN put JDKs. Each candidate is
 * asked its {@code java.specification.version}; directory names are not trusted.
 */
final class JavaWithVirtualThreads {

    static final int VIRTUAL_THREADS_SINCE = 21;

    private static final Pattern HOME_VARIABLE = Pattern.compile("(JAVA|JDK)\\w*HOME\\w*");
    private static final Pattern SPECIFICATION_VERSION =
            Pattern.compile("(?m)^\\s*java\\.specification\\.version = (?:1\\.)?(\\d+)");

    /** Where JDKs are installed, each with the path of {@code bin/java} inside one JDK's directory. */
    private static final Map<Path, String> INSTALL_ROOTS = Map.of(
            Path.of("/usr/lib/jvm"), "bin/java",
            Path.of("/usr/java"), "bin/java",
            Path.of("/Library/Java/JavaVirtualMachines"), "Contents/Home/bin/java",
            Path.of(System.getProperty("user.home"), ".sdkman", "candidates", "java"), "bin/java");

    private JavaWithVirtualThreads() {
    }

    /** A {@code java} of version 21+, if this machine has one. */
    static Optional<Path> find() {
        if (Runtime.version().feature() >= VIRTUAL_THREADS_SINCE) {
            return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
        }
        return candidates().stream().filter(java -> specificationVersion(java) >= VIRTUAL_THREADS_SINCE).findFirst();
    }

    private static Set<Path> candidates() {
        List<Path> javas = new ArrayList<>();
        System.getenv().forEach((name, value) -> {
            if (HOME_VARIABLE.matcher(name).matches() && !value.isBlank()) {
                javas.add(Path.of(value, "bin", "java"));
            }
        });
        INSTALL_ROOTS.forEach((root, java) -> {
            try (Stream<Path> jdks = Files.list(root)) {
                jdks.sorted().forEach(jdk -> javas.add(jdk.resolve(java)));
            } catch (IOException e) {
                // no JDKs installed there
            }
        });
        Set<Path> executables = new LinkedHashSet<>(); // one JDK may be reached through several symbolic links
        for (Path java : javas) {
            try {
                if (Files.isExecutable(java)) {
                    executables.add(java.toRealPath());
                }
            } catch (IOException e) {
                // a dangling link: not a JDK
            }
        }
        return executables;
    }

    /** The Java version {@code java} reports, or 0 if it cannot be run. */
    static int specificationVersion(Path java) {
        try {
            Process process = new ProcessBuilder(java.toString(), "-XshowSettings:properties", "-version")
                    .redirectErrorStream(true).start();
            try (InputStream output = process.getInputStream()) {
                String settings = new String(output.readAllBytes(), StandardCharsets.UTF_8);
                process.waitFor(30, TimeUnit.SECONDS);
                return specificationVersion(settings);
            } finally {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** The version in the output of {@code java -XshowSettings:properties -version} ("1.8" is 8), or 0 if none. */
    static int specificationVersion(String settings) {
        Matcher version = SPECIFICATION_VERSION.matcher(settings);
        return version.find() ? Integer.parseInt(version.group(1)) : 0;
    }
}

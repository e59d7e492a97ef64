package io.pilot.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How to start the Spring Boot bench app ({@code pilot-benchmarks-boot}) as a process: {@code java -jar} on its
 * built jar, as {@code bin/bench} does, or {@code java -cp} on its classes and dependencies, as the smoke test does
 * (a {@code test} build never packages the jar).
 *
 * @param javaOptions JVM options of every app process
 * @param launchArguments what follows them: {@code -jar JAR} or {@code -cp CLASSPATH MAIN}
 */
record BenchAppLaunch(List<String> javaOptions, List<String> launchArguments) {

    static final String MAIN_CLASS = "io.pilot.benchmarks.boot.BenchApplication";

    /** The jar {@code bin/bench} builds, relative to the repository's root. */
    static final Path DEFAULT_JAR = Path.of("pilot-benchmarks-boot", "target", "pilot-benchmarks-boot.jar");

    /** A fixed heap, as for the runner, so that heap sizing does not vary between runs. */
    static final List<String> DEFAULT_JAVA_OPTIONS = List.of("-Xms512m", "-Xmx512m");

    static BenchAppLaunch jar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the bench app's jar " + jar.toAbsolutePath()
                    + " is missing: build it with ./mvnw -pl pilot-benchmarks-boot -am package (bin/bench does)");
        }
        return new BenchAppLaunch(configuredJavaOptions(), List.of("-jar", jar.toAbsolutePath().toString()));
    }

    static BenchAppLaunch classpath(String classpath) {
        return new BenchAppLaunch(configuredJavaOptions(), List.of("-cp", classpath, MAIN_CLASS));
    }

    /** The jar named by the {@code bench.app.jar} system property, else {@link #DEFAULT_JAR}. */
    static BenchAppLaunch fromSystemProperties() {
        return jar(Path.of(System.getProperty("bench.app.jar", DEFAULT_JAR.toString())));
    }

    /** {@code bench.app.java-options} (space-separated) overrides {@link #DEFAULT_JAVA_OPTIONS}. */
    private static List<String> configuredJavaOptions() {
        String options = System.getProperty("bench.app.java-options");
        return options == null || options.isBlank() ? DEFAULT_JAVA_OPTIONS : Arrays.asList(options.trim().split("\\s+"));
    }

    /** The whole command line for an app given its own arguments. */
    List<String> command(List<String> appArguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.addAll(launchArguments);
        command.addAll(appArguments);
        return command;
    }
}

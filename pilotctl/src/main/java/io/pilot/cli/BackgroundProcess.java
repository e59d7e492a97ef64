package io.pilot.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Starts a Java main class in the background, with pilotctl's own Java and classpath, and waits for the line
 * by which it says it is ready. Its output goes to a log file, so nothing ties it to pilotctl's terminal or
 * pipes once pilotctl has returned.
 */
final class BackgroundProcess {

    private static final long READY_TIMEOUT_MILLIS = 60_000;

    /** The started process and the words of its ready line, after the prefix. */
    record Ready(long pid, List<String> fields) {
    }

    private BackgroundProcess() {
    }

    /**
     * @param readyPrefix the start of the line the process prints once ready, e.g. {@code "READY "}
     * @param whatToCheck what the operator should check if it never gets ready
     * @throws CliException START_FAILED if the process exits first or is not ready in time (it is then stopped)
     */
    static Ready start(Class<?> main, List<String> args, Path log, String readyPrefix, String whatToCheck)
            throws CliException, IOException, InterruptedException {
        return start(main, args, environment -> { }, log, readyPrefix, whatToCheck);
    }

    /** As below, with no options of its own for the process's JVM. */
    static Ready start(Class<?> main, List<String> args, Consumer<Map<String, String>> environment, Path log,
            String readyPrefix, String whatToCheck) throws CliException, IOException, InterruptedException {
        return start(main, List.of(), args, environment, log, readyPrefix, whatToCheck);
    }

    /** JVM options that replace what runs, or make the JVM print something and exit instead of running it. */
    private static final List<String> CHANGES_WHAT_RUNS = List.of("-cp", "-classpath", "--class-path", "-jar", "-m",
            "--module", "-version", "--version", "-showversion", "--show-version", "-fullversion", "-help", "-h",
            "--help", "-?", "-X", "--help-extra", "--dry-run", "--list-modules", "-d", "--describe-module",
            "--validate-modules");
    /** JVM options that may take their value as the next word, which would then be pilotctl's own {@code -cp}. */
    private static final List<String> TAKES_NEXT_WORD = List.of("--add-opens", "--add-exports", "--add-reads",
            "--add-modules", "-p", "--module-path", "--upgrade-module-path", "--patch-module", "--limit-modules",
            "--source", "--enable-native-access");

    /**
     * Why {@code option} cannot be given to a background process's JVM, or null if it can: it must look like a JVM
     * option, and must not replace what this launcher sets itself (the class path, the main class).
     */
    static String jvmOptionProblem(String option) {
        if (option.isBlank() || !option.startsWith("-") || option.length() < 2) {
            return "a JVM option starts with '-'";
        }
        if (option.chars().anyMatch(c -> c < 0x20)) {
            return "control characters are not allowed";
        }
        String name = option.split("[=:\\s]", 2)[0];
        if (CHANGES_WHAT_RUNS.contains(name) || option.equals("-Xshare:dump")) {
            return "pilotctl sets the class path and main class itself; " + name + " would change what runs";
        }
        if (TAKES_NEXT_WORD.contains(name) && !option.contains("=")) {
            return "give its value after '=' (" + name + "=VALUE): the next word on the command line is pilotctl's";
        }
        return null;
    }

    /**
     * As {@link #start(Class, List, Path, String, String)}, with {@code jvmOptions} for the process's JVM (checked by
     * {@link #jvmOptionProblem}) and pilotctl's environment changed by {@code environment} first: how a secret
     * reaches the process without showing on its command line.
     */
    static Ready start(Class<?> main, List<String> jvmOptions, List<String> args, Consumer<Map<String, String>> environment,
            Path log, String readyPrefix, String whatToCheck) throws CliException, IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info"); // before the caller's: a -D of theirs wins
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        Files.deleteIfExists(log);
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        environment.accept(builder.environment());
        Process process = builder.start();
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            Optional<String> ready = lines(log).stream().filter(l -> l.startsWith(readyPrefix)).findFirst();
            if (ready.isPresent()) {
                return new Ready(process.pid(), List.of(ready.get().substring(readyPrefix.length()).split(" ")));
            }
            if (!process.isAlive()) {
                List<String> lines = lines(log);
                throw new CliException("START_FAILED", main.getSimpleName() + " exited with status " + process.exitValue()
                        + ": " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())), "see " + log,
                        PilotCtl.NODE_ERROR);
            }
            Thread.sleep(50);
        }
        process.destroy();
        throw new CliException("START_FAILED", main.getSimpleName() + " was not ready within "
                + READY_TIMEOUT_MILLIS / 1000 + " s", whatToCheck + "; see " + log, PilotCtl.NODE_ERROR);
    }

    private static List<String> lines(Path log) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }
}

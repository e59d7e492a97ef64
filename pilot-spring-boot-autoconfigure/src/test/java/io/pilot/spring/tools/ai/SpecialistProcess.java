package io.pilot.spring.tools.ai;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@link SpecialistApp} as a child process on this JVM's {@code java} and class path; closing it ends the process. */
final class SpecialistProcess implements AutoCloseable {

    private final Process process;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Deque<String> output = new ArrayDeque<>();

    private SpecialistProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::read, "specialist-output");
        reader.setDaemon(true);
        reader.start();
    }

    static SpecialistProcess start(String specialist, List<String> properties) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dspecialist=" + specialist, "-cp", System.getProperty("java.class.path"), SpecialistApp.class.getName()));
        properties.forEach(property -> command.add("--" + property));
        SpecialistProcess started = new SpecialistProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
        try {
            // A guard against a hung child, not a measure.
            started.ready.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            started.close();
            throw new IllegalStateException("the " + specialist + " specialist did not start; its output:\n" + started.lastOutput(), e);
        }
        return started;
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                synchronized (output) {
                    output.addLast(line);
                    if (output.size() > 80) {
                        output.removeFirst();
                    }
                }
                if (line.equals("ready")) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        ready.completeExceptionally(new IllegalStateException("the process ended"));
    }

    long pid() {
        return process.pid();
    }

    String lastOutput() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}

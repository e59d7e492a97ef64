package io.pilot.spring.autoconfigure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@link VirtualThreadProviderApp} running as a child process on a given {@code java}, with the test JVM's class
 * path: the test asks it questions on its stdin and reads the answers from its stdout. Closing it kills the process,
 * so a try-with-resources never leaves it behind, whatever the test did.
 */
final class ProviderProcess implements AutoCloseable {

    /** What the reader thread puts in the queue when the child's stdout ends. */
    private static final String ENDED = "\0ended";
    private static final int KEPT_LOG_LINES = 60;

    private final Process process;
    private final PrintWriter commands;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final Deque<String> log = new ArrayDeque<>();

    private ProviderProcess(Process process) {
        this.process = process;
        this.commands = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        Thread reader = new Thread(this::readOutput, "provider-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the provider on {@code java}; {@code properties} are its Spring properties ({@code name=value}). */
    static ProviderProcess start(Path java, List<String> properties) throws IOException {
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), VirtualThreadProviderApp.class.getName()));
        properties.forEach(property -> command.add("--" + property));
        return new ProviderProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** Waits for the application to have started; returns the first line it said ({@code ready <backbone key> ...}). */
    String awaitReady() throws InterruptedException {
        return nextReply();
    }

    /** Sends one command and returns the provider's one-line answer. */
    String ask(String command) throws InterruptedException {
        commands.println(command);
        return nextReply();
    }

    /** Sends a command whose answer is {@code name=value} words, returned as a map. */
    Map<String, String> counters(String command) throws InterruptedException {
        Map<String, String> counters = new LinkedHashMap<>();
        for (String word : ask(command).split(" ")) {
            String[] nameAndValue = word.split("=", 2);
            counters.put(nameAndValue[0], nameAndValue.length == 2 ? nameAndValue[1] : "");
        }
        return counters;
    }

    private String nextReply() throws InterruptedException {
        // A guard against a hung child, not a measure: every answer comes in well under a second.
        String reply = replies.poll(120, TimeUnit.SECONDS);
        if (reply == null || reply.equals(ENDED)) {
            throw new IllegalStateException((reply == null ? "the provider did not answer" : "the provider exited")
                    + "; its last output:\n" + lastOutput());
        }
        if (reply.startsWith("error ")) {
            throw new IllegalStateException("the provider refused: " + reply);
        }
        return reply;
    }

    private void readOutput() {
        try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = output.readLine()) != null; ) {
                if (line.startsWith(VirtualThreadProviderApp.REPLY)) {
                    replies.add(line.substring(VirtualThreadProviderApp.REPLY.length()));
                } else {
                    keep(line);
                }
            }
        } catch (IOException e) {
            keep("(reading the provider's output failed: " + e + ")");
        } finally {
            replies.add(ENDED);
        }
    }

    private synchronized void keep(String line) {
        if (log.size() == KEPT_LOG_LINES) {
            log.removeFirst();
        }
        log.addLast(line);
    }

    private synchronized String lastOutput() {
        return String.join("\n", log);
    }

    @Override
    public void close() throws InterruptedException {
        commands.close(); // stdin ends: the provider exits by itself
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}

package io.pilot.samples.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Debian's headless Chromium driven over the DevTools protocol (a WebSocket): open a page at a fixed viewport,
 * evaluate script in it, take screenshots. Only what the page tests need.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://[^\\s]+)");

    private final Process process;
    private WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process) {
        this.process = process;
    }

    /** The browser on PATH, if any. */
    static Optional<String> onPath() {
        return Stream.of("chromium", "chromium-browser", "google-chrome").filter(program -> Stream.of(
                System.getenv().getOrDefault("PATH", "").split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, program))))
                .findFirst();
    }

    /** Starts {@code program} on {@code url} with a {@code width} × {@code height} viewport; its profile and log under {@code dir}. */
    static HeadlessChromium open(String program, String url, int width, int height, Path dir) throws Exception {
        Files.createDirectories(dir);
        Process process = new ProcessBuilder(program, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars=false", "--window-size=" + width + "," + height, "--remote-debugging-port=0",
                "--remote-allow-origins=*", "--user-data-dir=" + dir.resolve("profile"), url).start();
        String browserSocket = null;
        StringBuilder log = new StringBuilder();
        BufferedReader stderr = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        for (String line; browserSocket == null && (line = stderr.readLine()) != null;) {
            log.append(line).append('\n');
            Matcher listening = LISTENING.matcher(line);
            if (listening.find()) {
                browserSocket = listening.group(1);
            }
        }
        if (browserSocket == null) {
            process.destroyForcibly();
            throw new IllegalStateException("chromium did not open its DevTools port:\n" + log);
        }
        Thread drainer = new Thread(() -> drain(stderr, dir.resolve("chromium.log")), "chromium-log");
        drainer.setDaemon(true);
        drainer.start();
        URI browser = URI.create(browserSocket);
        HttpClient http = HttpClient.newHttpClient();
        String pageSocket = null;
        for (int attempt = 0; attempt < 50 && pageSocket == null; attempt++) {
            JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://" + browser.getAuthority()
                    + "/json/list")).build(), HttpResponse.BodyHandlers.ofString()).body());
            for (JsonNode target : targets) {
                if (target.path("type").asString().equals("page")) {
                    pageSocket = target.path("webSocketDebuggerUrl").asString();
                }
            }
            Thread.sleep(100);
        }
        if (pageSocket == null) {
            process.destroyForcibly();
            throw new IllegalStateException("chromium shows no page to drive");
        }
        HeadlessChromium driven = new HeadlessChromium(process);
        driven.socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), driven.listener()).get(10, TimeUnit.SECONDS);
        driven.send("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1,
                "mobile", false));
        // The target may still be about:blank, or the page still loading its scripts, on a loaded machine.
        if (!driven.await("location.href === " + JSON.writeValueAsString(url) + " && document.readyState === 'complete'",
                Duration.ofMinutes(2))) {
            driven.close();
            throw new IllegalStateException("chromium did not load " + url + " within 2 minutes");
        }
        return driven;
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            private final StringBuilder message = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                message.append(data);
                if (last) {
                    JsonNode reply = JSON.readTree(message.toString());
                    message.setLength(0);
                    CompletableFuture<JsonNode> waiting = pending.remove(reply.path("id").asInt(-1));
                    if (waiting != null) {
                        waiting.complete(reply);
                    }
                }
                webSocket.request(1);
                return null;
            }
        };
    }

    /** Sends a DevTools command and waits for its result; fails with the protocol's error. */
    JsonNode send(String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
        command.set("params", JSON.valueToTree(params));
        socket.sendText(command.toString(), true).join();
        try {
            JsonNode answer = reply.get(60, TimeUnit.SECONDS);
            if (answer.has("error")) {
                throw new IllegalStateException(method + " failed: " + answer.path("error"));
            }
            return answer.path("result");
        } catch (Exception e) {
            throw new IllegalStateException(method + " got no answer: " + e.getMessage(), e);
        } finally {
            pending.remove(id);
        }
    }

    /** Evaluates {@code expression} in the page (awaiting a promise) and answers its value as JSON. */
    JsonNode evaluate(String expression) {
        JsonNode result = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("the page threw on " + expression + ": " + result.path("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Evaluates {@code expression} until it is true, every 250 ms for at most {@code timeout}; false if it never was. */
    boolean await(String expression, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (evaluate(expression).asBoolean(false)) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    /** Saves what the viewport shows as a PNG. */
    void screenshot(Path file) throws IOException {
        JsonNode shot = send("Page.captureScreenshot", Map.of("format", "png"));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(shot.path("data").asString()));
    }

    private static void drain(BufferedReader stderr, Path log) {
        try (var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line; (line = stderr.readLine()) != null;) {
                out.write(line);
                out.newLine();
            }
        } catch (IOException e) {
            // the browser has gone
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (socket != null) {
            socket.abort();
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}

package io.pilot.spring.shutdown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotClient;
import io.pilot.spring.drainer.DrainingApplication;
import io.pilot.spring.runtime.PilotRuntime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * SIGTERM to a real Spring Boot process in the middle of its work: a capability call it serves, and an HTTP
 * request that is calling another agent through it. Both complete (the node is closed only once the web
 * server has drained and the served call has finished), and its directory record is gone.
 */
class SigtermDrainTests {

    /** Entered by the process's HTTP request through its agent; the test signals once it is. */
    static final CountDownLatch REMOTE_ENTERED = new CountDownLatch(1);

    @SpringBootApplication
    static class CallerApplication {

        @PilotAgent
        static class RemoteAgent {

            @Capability("remote.slow")
            String slow(String job) throws InterruptedException {
                REMOTE_ENTERED.countDown();
                Thread.sleep(2000);
                return "remotely " + job;
            }
        }
    }

    @TempDir
    Path dir;

    private Process process;

    @AfterEach
    void killProcess() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void sigtermLetsTheServedCallAndTheDrainingHttpRequestCompleteThenTheRecordIsGone() throws Exception {
        try (ConfigurableApplicationContext caller = new SpringApplicationBuilder(CallerApplication.class)
                .web(WebApplicationType.NONE)
                .properties("spring.main.keep-alive=false", "pilot.hostname=caller", "pilot.bind.address=127.0.0.1",
                        "pilot.identity.path=" + dir.resolve("caller.key"), "pilot.backbone.embedded=true",
                        "pilot.backbone.address=127.0.0.1:" + freeUdpPort(),
                        "pilot.backbone.identity=" + dir.resolve("backbone.key"), "pilot.control.enabled=false")
                .run()) {
            PilotRuntime runtime = caller.getBean(PilotRuntime.class);
            PilotClient client = caller.getBean(PilotClient.class);
            int httpPort = freeTcpPort();
            LinkedBlockingQueue<String> output = start(List.of("--server.port=" + httpPort, "--server.address=127.0.0.1",
                    "--server.shutdown=graceful", "--spring.lifecycle.timeout-per-shutdown-phase=20s",
                    "--pilot.hostname=drainer", "--pilot.bind.address=127.0.0.1", "--pilot.control.enabled=false",
                    "--pilot.identity.path=" + dir.resolve("drainer.key"),
                    "--pilot.backbone.address=" + runtime.embeddedBackbone().orElseThrow().node().localEndpoint().getHostString()
                            + ":" + runtime.embeddedBackbone().orElseThrow().node().localEndpoint().getPort(),
                    "--pilot.backbone.key=" + runtime.embeddedBackbone().orElseThrow().node().publicKey()));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !client.find("drain.slow").isEmpty());

            CompletableFuture<String> served = client.callAsync("drain.slow", "job", String.class);
            CompletableFuture<HttpResponse<String>> relayed = HttpClient.newHttpClient().sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/relay?job=web"))
                            .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            awaitLine(output, DrainingApplication.SERVING + "job");
            assertThat(REMOTE_ENTERED.await(30, TimeUnit.SECONDS)).isTrue();

            process.destroy(); // SIGTERM

            assertThat(served.get(30, TimeUnit.SECONDS)).isEqualTo("served job");
            HttpResponse<String> response = relayed.get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("relayed remotely web");
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // Deregistered, not lapsed: the record went at once, although its lease would still run.
            assertThat(client.find("drain.slow")).isEmpty();
            assertThat(runtime.embeddedBackbone().orElseThrow().registrations()).isEqualTo(1);
        }
    }

    /** Starts {@link DrainingApplication} as a JVM of its own; its standard output, line by line. */
    private LinkedBlockingQueue<String> start(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DrainingApplication.class.getName()));
        command.addAll(args);
        process = new ProcessBuilder(command).redirectError(dir.resolve("drainer.err").toFile()).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the process is gone
            }
        }, "drainer-output");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static void awaitLine(LinkedBlockingQueue<String> lines, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null && line.contains(expected)) {
                return;
            }
        }
        throw new AssertionError("the process never printed " + expected);
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

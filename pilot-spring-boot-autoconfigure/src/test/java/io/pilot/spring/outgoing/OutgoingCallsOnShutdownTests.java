package io.pilot.spring.outgoing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.message.ErrorCode;
import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotRemoteException;
import io.pilot.spring.runtime.PilotRuntime;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * Shutting down an application while a call it made from a thread of its own (not a web request, not a served
 * call: a scheduled task, a listener) is in progress: the call completes before the node closes, and a call
 * started once shutdown waits for it is refused with a clear error instead of being cut.
 */
class OutgoingCallsOnShutdownTests {

    static final CountDownLatch ENTERED = new CountDownLatch(1);
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    @PilotAgent
    static class ProviderAgent {

        @Capability("outgoing.slow")
        String slow(String job) throws InterruptedException {
            ENTERED.countDown();
            if (!RELEASE.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            return "done " + job;
        }

        @Capability("outgoing.quick")
        String quick(String job) {
            return "quick " + job;
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(ProviderAgent.class)
    static class ProviderApplication {
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class CallerApplication {
    }

    @TempDir
    Path dir;

    @Test
    void aCallFromAPlainThreadCompletesWhileTheApplicationClosesAndANewCallIsRefused() throws Exception {
        try (ConfigurableApplicationContext provider = new SpringApplicationBuilder(ProviderApplication.class)
                .web(WebApplicationType.NONE)
                .properties("spring.main.keep-alive=false", "pilot.hostname=provider", "pilot.bind.address=127.0.0.1",
                        "pilot.identity.path=" + dir.resolve("provider.key"), "pilot.backbone.embedded=true",
                        "pilot.backbone.address=127.0.0.1:" + freeUdpPort(),
                        "pilot.backbone.identity=" + dir.resolve("backbone.key"), "pilot.control.enabled=false")
                .run()) {
            InetSocketAddress backbone = provider.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node().localEndpoint();
            String backboneKey = provider.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node().publicKey().toString();
            ConfigurableApplicationContext caller = new SpringApplicationBuilder(CallerApplication.class)
                    .web(WebApplicationType.NONE)
                    .properties("spring.main.keep-alive=false", "pilot.hostname=caller", "pilot.bind.address=127.0.0.1",
                            "pilot.identity.path=" + dir.resolve("caller.key"), "pilot.control.enabled=false",
                            "pilot.backbone.address=127.0.0.1:" + backbone.getPort(), "pilot.backbone.key=" + backboneKey,
                            "spring.lifecycle.timeout-per-shutdown-phase=60s")
                    .run();
            PilotClient client = caller.getBean(PilotClient.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> !client.find("outgoing.slow").isEmpty());
            CompletableFuture<CompletableFuture<String>> started = new CompletableFuture<>();
            new Thread(() -> started.complete(client.callAsync("outgoing.slow", "job", String.class)), "scheduled-task").start();
            CompletableFuture<String> inProgress = started.get(30, TimeUnit.SECONDS);
            assertThat(ENTERED.await(30, TimeUnit.SECONDS)).isTrue();

            Thread closing = new Thread(caller::close, "shutdown-hook");
            closing.start();
            // Calls are made (and answered) until shutdown has stopped taking new ones; then they are refused.
            PilotRemoteException refused = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> refusal(client), error -> error != null);

            assertThat(refused.code()).isEqualTo(ErrorCode.UNREACHABLE);
            assertThat(refused).hasMessageContaining("outgoing.quick: the agent is stopping");
            assertThat(inProgress).as("still waiting for the provider").isNotDone();
            assertThat(closing.isAlive()).as("shutdown waits for the call in progress").isTrue();
            RELEASE.countDown();
            assertThat(inProgress.get(30, TimeUnit.SECONDS)).isEqualTo("done job");
            closing.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(closing.isAlive()).isFalse();
            assertThat(caller.isActive()).isFalse();
        } finally {
            RELEASE.countDown();
        }
    }

    /** The refusal of a new call, or null if the call was made (and answered). */
    private static PilotRemoteException refusal(PilotClient client) {
        try {
            assertThat(client.call("outgoing.quick", "more", String.class)).isEqualTo("quick more");
            return null;
        } catch (PilotRemoteException e) {
            return e;
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

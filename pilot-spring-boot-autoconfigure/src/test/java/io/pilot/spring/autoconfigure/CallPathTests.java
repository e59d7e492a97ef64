package io.pilot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.identity.Identity;
import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotReply;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a capability call's code runs between two Spring applications: the asynchronous variants never run
 * decoding, observation or the caller's dependents on the network thread; the blocking ones complete; a provider
 * that died is failed over; and under a thousand concurrent calls each runs once and is answered once.
 */
class CallPathTests {

    /** Calls each body reached, across the test: the provider's side of exactly once. */
    static final Map<String, AtomicInteger> HANDLED = new ConcurrentHashMap<>();

    @TempDir
    Path dir;

    record Echoed(String body, String thread) {
    }

    @PilotAgent
    static class EchoAgent {
        @Capability("echo.body")
        Echoed echo(String body) {
            HANDLED.computeIfAbsent(body, b -> new AtomicInteger()).incrementAndGet();
            return new Echoed(body, Thread.currentThread().getName());
        }
    }

    /** Records the thread its JSON was decoded on: decoding is the client's work, a dependent of the reply. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Decoded {
        final String body;
        final String thread = Thread.currentThread().getName();

        @JsonCreator
        Decoded(@JsonProperty("body") String body) {
            this.body = body;
        }
    }

    @Test
    void callsRunNoUserCodeOnTheLoopCompleteBlockingFailOverAndRunExactlyOnce() throws Exception {
        ProviderAndCaller.run(dir, "echo", EchoAgent.class, (provider, backbone, caller) -> {
            PilotClient client = caller.getBean(PilotClient.class);
            nothingOfTheCallerRunsOnTheLoop(client);
            aThousandConcurrentCallsRunAndAnswerExactlyOnce(client);
            aProviderThatDiedIsFailedOver(client, backbone);
        });
    }

    private static void nothingOfTheCallerRunsOnTheLoop(PilotClient client) throws Exception {
        assertThat(client.call("echo.body", "blocking", Echoed.class).body()).isEqualTo("blocking");
        assertThat(client.call("echo", "echo.body", "blocking, by name", Echoed.class).body()).isEqualTo("blocking, by name");
        for (int i = 0; i < 20; i++) {
            Decoded decoded = client.callAsync("echo.body", "async " + i, Decoded.class).get(10, TimeUnit.SECONDS);
            assertThat(decoded.body).isEqualTo("async " + i);
            assertThat(decoded.thread).doesNotStartWith("pilot-io");
            assertThat(client.callAsync("echo.body", "dependent " + i, Echoed.class)
                    .thenApply(reply -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS))
                    .doesNotStartWith("pilot-io");
            assertThat(client.callAsync("echo", "echo.body", "by name " + i, Decoded.class).get(10, TimeUnit.SECONDS)
                    .thread).doesNotStartWith("pilot-io");
        }
        // A blocking call decodes on the caller's own thread: woken by the loop, it finishes the call itself.
        assertThat(client.call("echo.body", "here", Decoded.class).thread).isEqualTo(Thread.currentThread().getName());
        assertThat(client.call("echo", "echo.body", "here", Decoded.class).thread).isEqualTo(Thread.currentThread().getName());
    }

    private static void aThousandConcurrentCallsRunAndAnswerExactlyOnce(PilotClient client) throws Exception {
        HANDLED.clear();
        int calls = 1_000;
        Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                String body = "call " + i;
                boolean blocking = i % 2 == 0;
                all.add(CompletableFuture.runAsync(() -> {
                    // Half block, half take the reply in a dependent: both paths, interleaved.
                    Echoed echoed = blocking ? client.call("echo.body", body, Echoed.class)
                            : client.callAsync("echo.body", body, Echoed.class).join();
                    assertThat(echoed.body()).isEqualTo(body);
                    answered.computeIfAbsent(body, b -> new AtomicInteger()).incrementAndGet();
                }, callers));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            callers.shutdownNow();
        }
        assertThat(answered).hasSize(calls);
        assertThat(answered.values()).allSatisfy(count -> assertThat(count).hasValue(1));
        assertThat(HANDLED).hasSize(calls);
        assertThat(HANDLED.values()).allSatisfy(count -> assertThat(count).hasValue(1));
    }

    /** A second provider registers and then dies without a word: its record stays until its lease lapses. */
    private static void aProviderThatDiedIsFailedOver(PilotClient client, Backbone backbone) {
        PilotNode doomed = PilotNode.builder().identity(Identity.generate(new SecureRandom())).bindAddress("127.0.0.1", 0)
                .build().start();
        DirectoryClient.builder(doomed).hostname("echo-doomed").capability("echo.body")
                .backbone(backbone.node().localEndpoint(), backbone.node().publicKey()).build().start().join();
        assertThat(client.find("echo.body")).hasSize(2);
        doomed.close();

        for (int i = 0; i < 6; i++) {
            PilotReply<Echoed> reply = client.exchange("echo.body", "after death " + i, Echoed.class).join();
            assertThat(reply.hostname()).isEqualTo("echo");
            assertThat(reply.body().body()).isEqualTo("after death " + i);
        }
    }
}

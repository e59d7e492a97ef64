package io.pilot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.session.EventLoopThreads;
import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotRemoteException;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * {@code @Capability(eventLoop = true)}: the method runs on the provider's event loop and is answered from there,
 * as a pooled one is (its reply, its refusals); one that tries to call another agent there fails at once, before
 * anything is sent, instead of stalling the agent; one that returns a result still to come, or has a limit of calls
 * in progress, is refused at startup.
 */
@ExtendWith(OutputCaptureExtension.class)
class EventLoopCapabilityTests {

    static final AtomicInteger POOLED_CALLS = new AtomicInteger();

    @TempDir
    Path dir;

    record Served(String body, String thread, boolean onEventLoop) {
        static Served here(String body) {
            return new Served(body, Thread.currentThread().getName(), EventLoopThreads.isCurrent());
        }
    }

    @PilotAgent
    static class LoopAgent {
        private final ObjectProvider<PilotClient> client;

        LoopAgent(ObjectProvider<PilotClient> client) {
            this.client = client;
        }

        @Capability(value = "loop.echo", eventLoop = true)
        Served echo(String body) {
            return Served.here(body);
        }

        @Capability("pool.echo")
        Served pooled(String body) {
            POOLED_CALLS.incrementAndGet();
            return Served.here(body);
        }

        @Capability(value = "loop.refuse", eventLoop = true)
        String refuse(String body) {
            throw new IllegalArgumentException("no " + body);
        }

        /** Wrong on the event loop: holds it 30 ms. */
        @Capability(value = "loop.slow", eventLoop = true)
        String slow(String body) throws InterruptedException {
            Thread.sleep(30);
            return body;
        }

        /** Wrong on the event loop: waits for another call's reply there. */
        @Capability(value = "loop.waits", eventLoop = true)
        String waits(String body) {
            return client.getObject().call("pool.echo", body, Served.class).body();
        }
    }

    @PilotAgent
    static class LimitedAgent {
        @Capability(value = "loop.limited", eventLoop = true, maxConcurrency = 4)
        String limited(String body) {
            return body;
        }
    }

    @PilotAgent
    static class LaterAgent {
        @Capability(value = "loop.later", eventLoop = true)
        CompletableFuture<String> later(String body) {
            return CompletableFuture.completedFuture(body);
        }
    }

    @Test
    void aCapabilityThatHoldsTheEventLoopLongIsLoggedAfterItsFirstRun(CapturedOutput output) throws Exception {
        ProviderAndCaller.run(dir, "loop", LoopAgent.class, (provider, backbone, caller) -> {
            PilotClient client = caller.getBean(PilotClient.class);
            assertThat(client.call("loop.slow", "first", String.class)).isEqualTo("first");
            assertThat(output).as("its first run is left out").doesNotContain(".slow held the event loop");
            assertThat(client.call("loop.slow", "second", String.class)).isEqualTo("second");
            assertThat(output).contains(".slow held the event loop").contains("leave eventLoop off");
        });
    }

    @Test
    void aCapabilityOnTheEventLoopIsAnsweredFromThereAsAPooledOneIs() throws Exception {
        // A call stalled on the provider's loop would end only at the request timeout, as TIMEOUT.
        ProviderAndCaller.run(dir, "loop", LoopAgent.class, (provider, backbone, caller) -> {
            PilotClient client = caller.getBean(PilotClient.class);

            Served onLoop = client.call("loop.echo", "fast", Served.class);
            assertThat(onLoop.body()).isEqualTo("fast");
            assertThat(onLoop.onEventLoop()).as("ran on " + onLoop.thread()).isTrue();
            Served pooled = client.call("pool.echo", "pooled", Served.class);
            assertThat(pooled.onEventLoop()).as("ran on " + pooled.thread()).isFalse();

            assertThatThrownBy(() -> client.call("loop.refuse", "thanks", String.class))
                    .isInstanceOfSatisfying(PilotRemoteException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                    .hasMessageEndingWith(": no thanks");
            assertThatThrownBy(() -> client.call("loop.echo", null, Served.class))
                    .isInstanceOfSatisfying(PilotRemoteException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));

            // Waiting on the loop fails there at once: INTERNAL, not the 60 s TIMEOUT of a stall; and the call it
            // tried to make was never sent.
            int pooledBefore = POOLED_CALLS.get();
            assertThatThrownBy(() -> client.call("loop.waits", "x", String.class))
                    .isInstanceOfSatisfying(PilotRemoteException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
            client.call("pool.echo", "after", Served.class);
            assertThat(POOLED_CALLS.get()).as("pool.echo calls: the loop's refused one never reached it")
                    .isEqualTo(pooledBefore + 1);
            assertThat(client.call("loop.echo", "still served", Served.class).body())
                    .isEqualTo("still served");
        }, "pilot.request-timeout=60s");
    }

    @Test
    void aCapabilityOnTheEventLoopThatAnswersLaterOrHasALimitIsRefusedAtStartup() throws Exception {
        refusedAtStartup(LaterAgent.class, "@Capability(\"loop.later\")",
                "runs on the event loop (eventLoop = true), so it must return its result", "CompletableFuture");
        refusedAtStartup(LimitedAgent.class, "@Capability(\"loop.limited\")",
                "where its calls run one at a time: maxConcurrency 4 would never be reached");
    }

    private void refusedAtStartup(Class<?> agent, String... messageParts) throws Exception {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.hostname=refused",
                        "pilot.identity.path=" + dir.resolve("refused.key"), "pilot.backbone.embedded=true",
                        "pilot.backbone.address=127.0.0.1:" + PilotAutoConfigurationTests.freePort(),
                        "pilot.backbone.identity=" + dir.resolve("bb.key"))
                .withBean(agent)
                .run(context -> {
                    assertThat(context).hasFailed();
                    for (String part : messageParts) {
                        assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(part);
                    }
                });
    }
}

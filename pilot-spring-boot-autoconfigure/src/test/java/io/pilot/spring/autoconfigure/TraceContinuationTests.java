package io.pilot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.pilot.spring.Capability;
import io.pilot.spring.GroupListener;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotRemoteException;
import io.pilot.spring.runtime.PilotRuntime;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The trace goes where the work goes, between two applications traced into one OpenTelemetry SDK: from a
 * broadcaster into the {@code @GroupListener} that receives it, and from the caller of {@code callAsync} into the
 * stage it chains on the future, which runs on the engine's callback thread. What a log line there would print as
 * its trace id is read where the log line would be: the current span of that thread.
 */
class TraceContinuationTests {

    @TempDir
    Path dir;

    private final SharedTracing tracing = new SharedTracing();

    /** Held until the caller has chained its stage, so the stage runs on the thread that completes the call. */
    static final CountDownLatch RELEASE = new CountDownLatch(1);
    /** The trace id current in the listener. */
    static final AtomicReference<String> LISTENER_TRACE = new AtomicReference<>();

    @AfterEach
    void closeSdk() {
        tracing.close();
    }

    @PilotAgent
    static class Provider {
        @Capability("trace.held")
        String held(String in) throws InterruptedException {
            RELEASE.await(10, TimeUnit.SECONDS);
            return "held(" + in + ")";
        }

        @Capability("trace.refuses")
        String refuses(String in) {
            throw new IllegalArgumentException("refused " + in);
        }

        @GroupListener("TRACED")
        void heard(String notice) {
            LISTENER_TRACE.set(Span.current().getSpanContext().getTraceId());
        }
    }

    @Test
    void theTraceContinuesIntoListenersAndAsyncStages() throws Exception {
        int backbonePort = PilotAutoConfigurationTests.freePort();
        ApplicationContextRunner base = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort);
        base.withPropertyValues("pilot.hostname=provider", "pilot.identity.path=" + dir.resolve("p.key"),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("bb.key"))
                .withBean(Provider.class).withBean(ObservationRegistry.class, tracing::registry)
                .run(provider -> {
                    assertThat(provider).hasNotFailed();
                    String backboneKey = "pilot.backbone.key=" + provider.getBean(PilotRuntime.class).embeddedBackbone()
                            .orElseThrow().node().publicKey();
                    base.withPropertyValues("pilot.hostname=caller", "pilot.identity.path=" + dir.resolve("c.key"),
                                    "pilot.groups=TRACED", backboneKey)
                            .withBean(ObservationRegistry.class, tracing::registry)
                            .run(caller -> {
                                assertThat(caller).hasNotFailed();
                                broadcastIsTracedIntoTheListener(caller);
                                asyncStageRunsInTheCallersTrace(caller);
                                failedCallCarriesItsErrorType(caller);
                            });
                });
    }

    private void broadcastIsTracedIntoTheListener(AssertableApplicationContext caller) {
        String traceId = inObservation(caller, "announce", () -> {
            assertThat(caller.getBean(PilotClient.class).broadcast("TRACED", "news").delivered()).hasSize(1);
            return Span.current().getSpanContext().getTraceId();
        });
        await().atMost(10, TimeUnit.SECONDS).until(() -> LISTENER_TRACE.get() != null);
        assertThat(LISTENER_TRACE.get()).isEqualTo(traceId);

        await().atMost(10, TimeUnit.SECONDS).until(() -> tracing.finished().stream().anyMatch(s -> s.getName().equals("process TRACED")));
        SpanData publish = tracing.span("publish TRACED");
        SpanData process = tracing.span("process TRACED");
        assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(publish.getTraceId()).isEqualTo(traceId);
        assertThat(process.getTraceId()).isEqualTo(traceId);
        assertThat(process.getParentSpanId()).isEqualTo(publish.getSpanId());
        assertThat(process.getParentSpanContext().isRemote()).isTrue();
        assertThat(publish.getAttributes().get(AttributeKey.stringKey("messaging.destination.name"))).isEqualTo("TRACED");
        assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.operation.type"))).isEqualTo("process");
        assertThat(process.getAttributes().get(AttributeKey.stringKey("pilot.outcome"))).isEqualTo("SUCCESS");
    }

    private void asyncStageRunsInTheCallersTrace(AssertableApplicationContext caller) {
        Thread callerThread = Thread.currentThread();
        AtomicReference<String> callerTrace = new AtomicReference<>();
        AtomicReference<String> stageTrace = new AtomicReference<>();
        AtomicReference<Thread> stageThread = new AtomicReference<>();
        CompletableFuture<String> stage = inObservation(caller, "work", () -> {
            callerTrace.set(Span.current().getSpanContext().getTraceId());
            CompletableFuture<String> chained = caller.getBean(PilotClient.class).callAsync("trace.held", "x", String.class)
                    .thenApply(reply -> {
                        stageTrace.set(Span.current().getSpanContext().getTraceId());
                        stageThread.set(Thread.currentThread());
                        return reply;
                    });
            RELEASE.countDown(); // only now may the provider answer: the stage is chained before the future completes
            return chained;
        });
        assertThat(stage.join()).isEqualTo("held(x)");
        assertThat(stageThread.get()).isNotSameAs(callerThread);
        assertThat(callerTrace.get()).isNotEqualTo(TraceId.getInvalid());
        assertThat(stageTrace.get()).isEqualTo(callerTrace.get());
    }

    private void failedCallCarriesItsErrorType(AssertableApplicationContext caller) {
        CompletableFuture<String> refused = caller.getBean(PilotClient.class).callAsync("provider", "trace.refuses", "x",
                String.class);
        assertThat(refused).failsWithin(10, TimeUnit.SECONDS).withThrowableThat().havingCause()
                .isInstanceOf(PilotRemoteException.class);
        await().atMost(10, TimeUnit.SECONDS).until(() -> tracing.finished().stream().anyMatch(s -> s.getName().equals("call trace.refuses")));
        SpanData call = tracing.span("call trace.refuses");
        SpanData served = tracing.span("serve trace.refuses");
        assertThat(call.getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo(call.getAttributes().get(AttributeKey.stringKey("pilot.outcome"))).isNotEqualTo("none");
        assertThat(served.getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo(served.getAttributes().get(AttributeKey.stringKey("pilot.outcome"))).isNotEqualTo("none");
        assertThat(call.getAttributes().get(AttributeKey.stringKey("rpc.method"))).isEqualTo("trace.refuses");
        assertThat(call.getAttributes().get(AttributeKey.stringKey("server.address"))).isEqualTo("provider");
    }

    /** Runs {@code work} in the scope of a new observation of the caller's registry, as a request handler would. */
    private static <T> T inObservation(AssertableApplicationContext app, String name, Supplier<T> work) {
        return Observation.createNotStarted(name, app.getBean(ObservationRegistry.class)).observe(work);
    }
}

package io.pilot.spring.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.message.BlockingItems;
import io.pilot.engine.message.Cancellation;
import io.pilot.engine.message.ErrorCode;
import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotRemoteException;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.capability.InboundRequest;
import io.pilot.spring.observation.PilotServerRequestContext;
import io.pilot.spring.runtime.PilotRuntime;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import reactor.core.publisher.Flux;

/**
 * A streamed reply's deadline between two Spring applications over a real tunnel on loopback: a caller's
 * {@code deadline(d)} ends a stream whose producer stalls with DEADLINE_EXCEEDED after the items sent; the producer
 * (a {@code Flux}, or a {@code Stream} blocked computing an element) is cancelled, interrupted and closed, and ran with
 * the request as its {@link InboundRequest}; the serving observation reports the outcome; a stream opened while
 * serving a request carries what is left of that request's deadline. Only the deadlines can end these streams; the
 * waits are hang guards.
 */
class StreamDeadlinesTests {

    /** Long enough for a first call on a loaded machine to send its items; only a stalled producer reaches it. */
    private static final Duration LIMIT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    record Tick(int n) {
    }

    /** What the producers saw. */
    static class Seen {
        final CountDownLatch fluxCancelled = new CountDownLatch(1);
        final AtomicReference<ErrorCode> fluxRequestReason = new AtomicReference<>();
        final CountDownLatch fluxRequestCancelled = new CountDownLatch(1);
        final CountDownLatch streamInterrupted = new CountDownLatch(1);
        final CountDownLatch streamClosed = new CountDownLatch(1);
        final AtomicReference<Optional<Duration>> pulledWithin = new AtomicReference<>();
        final AtomicReference<Optional<Duration>> propagated = new AtomicReference<>();
        final CountDownLatch propagatedCancelled = new CountDownLatch(1);
        final Map<String, ErrorCode> outcomes = new ConcurrentHashMap<>();
        final CountDownLatch observed = new CountDownLatch(2);
    }

    @PilotAgent
    static class SlowAgent {

        private final Seen seen;

        SlowAgent(Seen seen) {
            this.seen = seen;
        }

        /** Three ticks, then nothing, ever. */
        @Capability("slow.flux")
        Flux<Tick> flux() {
            Cancellation request = InboundRequest.current();
            request.onCancel(() -> {
                seen.fluxRequestReason.set(request.reason());
                seen.fluxRequestCancelled.countDown();
            });
            return Flux.range(1, 3).map(Tick::new).concatWith(Flux.never()).doOnCancel(seen.fluxCancelled::countDown);
        }

        /** Two ticks, then blocks computing the third until interrupted. */
        @Capability("slow.stream")
        Stream<Tick> stream() {
            AtomicInteger n = new AtomicInteger();
            return Stream.generate(() -> {
                seen.pulledWithin.set(InboundRequest.current() == null ? null : InboundRequest.current().remaining());
                if (n.get() < 2) {
                    return new Tick(n.incrementAndGet());
                }
                try {
                    new CountDownLatch(1).await(); // a computation that never ends by itself
                } catch (InterruptedException e) {
                    seen.streamInterrupted.countDown();
                    throw new IllegalStateException("interrupted", e);
                }
                throw new AssertionError("unreachable");
            }).onClose(seen.streamClosed::countDown);
        }

        /** One tick, then nothing: records the deadline it was called with, and its cancellation. */
        @Capability("slow.watched")
        Flux<Tick> watched() {
            Cancellation request = InboundRequest.current();
            seen.propagated.set(request.remaining());
            request.onCancel(seen.propagatedCancelled::countDown);
            return Flux.just(new Tick(1)).concatWith(Flux.never());
        }
    }

    /** On the reader's side: serves a call with a deadline by opening a stream without one. */
    @PilotAgent
    static class MiddleAgent {

        private final PilotClient client;

        MiddleAgent(PilotClient client) {
            this.client = client;
        }

        @Capability("middle.watch")
        int watch() {
            int read = 0;
            try (BlockingItems<Tick> ticks = client.capability("slow.watched").streamItems(null, Tick.class)) {
                while (ticks.hasNext()) {
                    ticks.next();
                    read++;
                }
            }
            return read;
        }
    }

    @Test
    void aStreamsDeadlineEndsItCancelsItsProducerAndTravelsOnward() throws Exception {
        int backbonePort = freePort();
        Seen seen = new Seen();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof PilotServerRequestContext;
            }

            @Override
            public void onStop(Observation.Context context) {
                PilotServerRequestContext served = (PilotServerRequestContext) context;
                if (served.getCapability() != null && served.getCapability().startsWith("slow.")
                        && served.getErrorCode() != null) {
                    seen.outcomes.put(served.getCapability(), served.getErrorCode());
                    seen.observed.countDown();
                }
            }
        });
        ApplicationContextRunner base = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort,
                        "pilot.control.enabled=false", "pilot.request-timeout=20s");
        base.withPropertyValues("pilot.hostname=slow", "pilot.identity.path=" + dir.resolve("slow.key"),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("bb.key"))
                .withBean(Seen.class, () -> seen)
                .withBean(ObservationRegistry.class, () -> observations)
                .withBean(SlowAgent.class)
                .run(slow -> {
                    assertThat(slow).hasNotFailed();
                    String backboneKey = slow.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node()
                            .publicKey().toString();
                    base.withPropertyValues("pilot.backbone.key=" + backboneKey, "pilot.hostname=reader",
                                    "pilot.identity.path=" + dir.resolve("reader.key"))
                            .withBean(MiddleAgent.class)
                            .run(reader -> {
                                assertThat(reader).hasNotFailed();
                                exercise(reader.getBean(PilotClient.class), slow.getBean(PilotClient.class), seen);
                            });
                });
    }

    /** @param slowsClient the slow agent's own client, to call the reader's middle agent (no agent calls itself) */
    private static void exercise(PilotClient client, PilotClient slowsClient, Seen seen) throws Exception {
        // A Flux that stalls after three ticks: DEADLINE_EXCEEDED after them; the Flux and the request cancelled.
        List<Tick> ticks = new ArrayList<>();
        assertThatThrownBy(() -> client.capability("slow.flux").deadline(LIMIT)
                .stream(null, Tick.class).doOnNext(ticks::add).blockLast(Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(PilotRemoteException.class,
                        e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
        assertThat(ticks).containsExactly(new Tick(1), new Tick(2), new Tick(3));
        assertThat(seen.fluxCancelled.await(10, TimeUnit.SECONDS)).as("the producer's Flux was cancelled").isTrue();
        assertThat(seen.fluxRequestCancelled.await(10, TimeUnit.SECONDS)).as("the request's cancellation fired").isTrue();
        assertThat(seen.fluxRequestReason.get()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);

        // A Stream blocked computing its third element: interrupted and closed; pulled with the request in scope.
        List<Tick> pulled = new ArrayList<>();
        try (BlockingItems<Tick> items = client.capability("slow.stream").deadline(LIMIT)
                .streamItems(null, Tick.class)) {
            assertThatThrownBy(() -> items.forEachRemaining(pulled::add))
                    .isInstanceOfSatisfying(PilotRemoteException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
        }
        assertThat(pulled).containsExactly(new Tick(1), new Tick(2));
        assertThat(seen.streamInterrupted.await(10, TimeUnit.SECONDS)).as("the pulling thread was interrupted").isTrue();
        assertThat(seen.streamClosed.await(10, TimeUnit.SECONDS)).as("the producer's Stream was closed").isTrue();
        assertThat(seen.pulledWithin.get()).as("pulled with the request as the InboundRequest")
                .hasValueSatisfying(left -> assertThat(left).isLessThanOrEqualTo(LIMIT));

        // The serving observations report why the streams ended.
        assertThat(seen.observed.await(10, TimeUnit.SECONDS)).as("both streams observed").isTrue();
        assertThat(seen.outcomes).containsEntry("slow.flux", ErrorCode.DEADLINE_EXCEEDED)
                .containsEntry("slow.stream", ErrorCode.DEADLINE_EXCEEDED);

        // A stream opened while serving a call with a deadline, without a deadline of its own, carries that one.
        assertThatThrownBy(() -> slowsClient.capability("middle.watch").timeout(Duration.ofMillis(2500)).call(null, Integer.class))
                .isInstanceOfSatisfying(PilotRemoteException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
        assertThat(seen.propagated.get()).as("the inbound deadline travelled with the stream")
                .hasValueSatisfying(left -> assertThat(left).isLessThanOrEqualTo(Duration.ofMillis(2500)));
        assertThat(seen.propagatedCancelled.await(10, TimeUnit.SECONDS)).as("the nested producer was cancelled").isTrue();

        // A deadline that is no time at all is refused as it is set.
        assertThatThrownBy(() -> client.capability("slow.flux").deadline(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadline must be positive");
    }

    private static int freePort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return socket.getLocalPort();
        }
    }
}

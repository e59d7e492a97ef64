package io.pilot.spring.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.BlockingItems;
import io.pilot.engine.message.ErrorCode;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotRemoteException;
import io.pilot.spring.runtime.PilotRuntime;
import io.pilot.spring.test.Applications.Pair;
import io.pilot.spring.test.Applications.PriceChanged;
import io.pilot.spring.test.Applications.Pricing;
import io.pilot.spring.test.Applications.Rate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import tools.jackson.databind.JsonNode;

/** Stubs and a recorder, real agents of the test backbone, and the application under test calling and telling them. */
@SpringBootTest(classes = Applications.PricingApplication.class, properties = {"pilot.hostname=pricing",
        "pilot.groups=pricing-events"})
@EmbeddedPilotBackbone
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StubsAndRecorderTests {

    @Autowired
    EmbeddedBackboneHandle backbone;

    @Autowired
    PilotStubs stubs;

    @Autowired
    Pricing pricing;

    @Autowired
    PilotRuntime runtime;

    @Autowired
    PilotClient client;

    @Test
    void theApplicationCallsATypedStubItFindsAsAProvider() {
        StubAgent fx = stubs.stub("fx.rate", Pair.class, pair -> new Rate(pair.from(), pair.to(), 1.08));

        assertThat(backbone.awaitProviders("fx.rate", 1)).extracting(NodeRecord::hostname).containsExactly(fx.hostname());
        assertThat(pricing.priceIn("USD", 100)).isEqualTo(108.0);
        assertThat(fx.calls()).isEqualTo(1);
    }

    @Test
    void aStubTakesAndGivesJsonTrees() {
        stubs.stub("fx.rate", request -> Map.of("from", request.get("from").asString(), "to", request.get("to").asString(),
                "rate", request.get("to").asString().equals("CHF") ? 0.94 : 1.0));

        assertThat(pricing.priceIn("CHF", 100)).isEqualTo(94.0);
    }

    @Test
    void aStubToldToFailAnswersWithItsCode() {
        StubAgent fx = stubs.stub("fx.rate", Pair.class, pair -> new Rate(pair.from(), pair.to(), 1.08))
                .failWith(ErrorCode.UNAVAILABLE, "the rates feed is down");

        assertThatThrownBy(() -> pricing.priceIn("USD", 100)).isInstanceOfSatisfying(PilotRemoteException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE)).hasMessageContaining("the rates feed is down");

        fx.succeed();
        assertThat(pricing.priceIn("USD", 100)).isEqualTo(108.0);
    }

    @Test
    void aStreamingStubServesItsItemsInOrderAndFailsAsToldTo() {
        StubAgent counter = stubs.streamingStub("numbers.count",
                request -> IntStream.rangeClosed(1, request.path("to").asInt()).mapToObj(n -> Map.of("n", n)));

        List<Integer> counted = new ArrayList<>();
        try (BlockingItems<JsonNode> items = client.capability("numbers.count").streamItems(Map.of("to", 5), JsonNode.class)) {
            items.forEachRemaining(item -> counted.add(item.path("n").asInt()));
        }
        assertThat(counted).containsExactly(1, 2, 3, 4, 5);
        assertThat(counter.calls()).isEqualTo(1);

        counter.failWith(ErrorCode.UNAVAILABLE, "counting is down");
        try (BlockingItems<JsonNode> items = client.capability("numbers.count").streamItems(Map.of("to", 5), JsonNode.class)) {
            assertThatThrownBy(items::hasNext).isInstanceOfSatisfying(PilotRemoteException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE)).hasMessageContaining("counting is down");
        }
    }

    @Test
    void aStreamingStubIsPulledOnlyAsAskedAndClosedWhenTheCallerStops() {
        AtomicInteger pulled = new AtomicInteger();
        AtomicBoolean closed = new AtomicBoolean();
        stubs.streamingStub("numbers.endless", request -> Stream.iterate(1, n -> n + 1).peek(n -> pulled.incrementAndGet())
                .map(n -> Map.of("n", n)).onClose(() -> closed.set(true)));

        try (BlockingItems<JsonNode> items = client.capability("numbers.endless").streamItems(Map.of(), JsonNode.class)) {
            for (int n = 1; n <= 3; n++) {
                assertThat(items.next().path("n").asInt()).isEqualTo(n);
            }
        }
        // Closing the items cancels the call: the stub's stream is closed and no more is pulled from it.
        await().atMost(Duration.ofSeconds(10)).untilTrue(closed);
        assertThat(pulled.get()).as("pulled only as the caller's credit allowed, not run on").isLessThan(1_000);
    }

    @Test
    void aStoppedStubIsGoneTheOtherServesThenNothingDoes() {
        StubAgent first = stubs.stub("fx.rate", Pair.class, pair -> new Rate(pair.from(), pair.to(), 1.08));
        StubAgent second = stubs.stub("fx.rate", Pair.class, pair -> new Rate(pair.from(), pair.to(), 1.08));
        backbone.awaitProviders("fx.rate", 2);

        first.stop();
        backbone.awaitDeregistered(first.hostname());
        int servedByFirst = first.calls();
        for (int i = 0; i < 5; i++) {
            assertThat(pricing.priceIn("USD", 100)).isEqualTo(108.0);
        }
        assertThat(first.calls()).isEqualTo(servedByFirst);
        assertThat(second.calls()).isGreaterThanOrEqualTo(5);

        second.stop();
        backbone.awaitDeregistered(second.hostname());
        assertThatThrownBy(() -> pricing.priceIn("USD", 100)).isInstanceOfSatisfying(PilotRemoteException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNREACHABLE)).hasMessageContaining("fx.rate");
    }

    @Test
    void theRecorderKeepsWhatTheApplicationBroadcasts() {
        BroadcastRecorder events = stubs.recorder("pricing-events");
        backbone.awaitMembers("pricing-events", 2);

        pricing.announce(new PriceChanged("espresso", 2.4));
        pricing.announce(new PriceChanged("croissant", 1.9));

        assertThat(events.awaitMessages(2, PriceChanged.class))
                .containsExactlyInAnyOrder(new PriceChanged("espresso", 2.4), new PriceChanged("croissant", 1.9));
        assertThat(events.received()).allSatisfy(received -> assertThat(received.from()).isEqualTo(runtime.address()));
    }

    @Test
    void theHandleShowsTheApplicationAndAFailedWaitSaysWhatIsRegistered() {
        String hostname = runtime.directory().record().orElseThrow().hostname();

        assertThat(backbone.awaitRegistered(hostname).address()).isEqualTo(runtime.address());
        assertThat(backbone.members("pricing-events")).extracting(NodeRecord::hostname).contains(hostname);
        assertThat(backbone.address().getPort()).isEqualTo(backbone.port()).isPositive();
        assertThatThrownBy(() -> backbone.awaitProviders("nobody.serves", 1, Duration.ofMillis(200)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 provider(s) of 'nobody.serves'")
                .hasMessageContaining(hostname + " (capabilities [], groups [pricing-events])");
    }

    /** The hostname of the stub {@link #aTestLeavesAStubRunning} leaves behind. */
    static String leftBehind;

    @Test
    @Order(1)
    void aTestLeavesAStubRunning() {
        leftBehind = stubs.stub("fx.leftover", request -> 1).hostname();
        assertThat(backbone.awaitProviders("fx.leftover", 1)).extracting(NodeRecord::hostname).containsExactly(leftBehind);
    }

    @Test
    @Order(2)
    void theNextTestDoesNotMeetIt() {
        assertThat(leftBehind).isNotNull();
        backbone.awaitDeregistered(leftBehind);
        assertThat(backbone.providers("fx.leftover")).isEmpty();
    }

    @Test
    void theControlSocketIsOffInTests() {
        assertThat(runtime.controlSocket()).isEmpty();
    }
}

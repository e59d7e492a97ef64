package io.pilot.engine.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.UdpForwarder;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RttProbeTests {

    private static final int PORT = 1001;

    @RegisterExtension
    final Realm realm = new Realm();

    private final Set<String> served = ConcurrentHashMap.newKeySet();

    @Test
    void aProvidersPingsStartCloseTogetherAndSpreadOutToTheInterval() {
        RttProbe probe = new RttProbe(null, Duration.ofSeconds(5));
        assertThat(probe.holdOffAfter(1)).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(probe.holdOffAfter(2)).isEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(probe.holdOffAfter(6)).isEqualTo(Duration.ofMillis(3_200).toNanos());
        assertThat(probe.holdOffAfter(7)).isEqualTo(Duration.ofSeconds(5).toNanos());
        assertThat(probe.holdOffAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(5).toNanos());

        assertThat(new RttProbe(null, Duration.ofMillis(150)).holdOffAfter(2)).isEqualTo(Duration.ofMillis(150).toNanos());
        assertThat(new RttProbe(null, Duration.ZERO).holdOffAfter(1)).isZero();
    }

    /**
     * A replica's first ping came while it was slow (still starting up); with one probe per interval, and the
     * interval an hour here, it would not be measured again within the test and would never be chosen.
     */
    @Test
    void aNewcomerMeasuredSlowAtFirstIsMeasuredAgainLongBeforeTheIntervalAndThenChosen() throws Exception {
        realm.startBackbone();
        provider("fx-a");
        DirectoryClient late = provider("fx-late");
        DirectoryClient requester = realm.agent("requester", b -> b);
        AtomicBoolean slow = new AtomicBoolean(true);
        try (UdpForwarder link = new UdpForwarder(late.node().localEndpoint(), datagram -> {
            if (slow.get()) {
                sleepQuietly(40); // more than the policy's 25 ms step: ranked behind fx-a while slow
            }
            return datagram;
        })) {
            requester.node().connect(late.node().publicKey(), link.address()).join();
            GroupMessaging groups = GroupMessaging.builder(requester).probeInterval(Duration.ofHours(1)).build();
            groups.anycast("fx.rate", PORT, Message.empty()).join(); // ranks fx-late behind: its first ping goes
            await().atMost(10, TimeUnit.SECONDS).until(() -> {
                groups.anycast("fx.rate", PORT, Message.empty()).join();
                return requester.node().peerSnapshot(late.node().address()).isPresent();
            });
            assertThat(groups.anycast("fx.rate", PORT, Message.empty()).join().member().hostname()).isEqualTo("fx-a");

            slow.set(false);
            served.clear();
            await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
                groups.anycast("fx.rate", PORT, Message.empty()).join();
                assertThat(served).contains("fx-late");
            });
        }
    }

    private DirectoryClient provider(String hostname) {
        DirectoryClient agent = realm.agent(hostname, b -> b.capability("fx.rate"));
        agent.node().listen(PORT, MessageHandler.of(in -> {
            served.add(hostname);
            return Message.of(hostname);
        }));
        return agent;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

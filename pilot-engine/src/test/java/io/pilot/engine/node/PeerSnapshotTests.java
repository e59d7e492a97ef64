package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PeerContact;
import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.UdpForwarder;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.session.PathSettings;
import io.pilot.engine.session.PeerSnapshot;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link PilotNode#peerSnapshot} reads what the event loop last published, without a hop to the loop: it agrees
 * with {@link PilotNode#peer} (which runs on the loop) once the loop is done, and a path switch made by the loop is
 * in the snapshot before any later loop task runs.
 */
class PeerSnapshotTests {

    private static final PathSettings FAST = new PathSettings(true, Duration.ofMillis(300), Duration.ofMillis(200));

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void theSnapshotFollowsTheSessionItsLoopRuns() {
        PilotNode caller = nodes.start();
        PilotNode provider = nodes.start();
        provider.listen(100, MessageHandler.of(in -> Message.of("ok")));
        assertThat(caller.peerSnapshot(provider.address())).as("no such peer yet").isEmpty();

        caller.connect(provider.publicKey(), provider.localEndpoint()).join();
        PeerSnapshot connected = caller.peerSnapshot(provider.address()).orElseThrow();
        assertThat(connected.established()).isTrue();
        assertThat(connected.relayed()).isFalse();

        for (int i = 0; i < 20; i++) {
            caller.request(new PilotSocketAddress(provider.address(), 100), Message.of("x")).join();
        }
        // Acknowledgements may still be arriving: once they stop, the snapshot is the loop's own figure.
        await().atMost(10, TimeUnit.SECONDS).until(() -> sameRtt(caller, provider.address()));
        assertThat(caller.peerSnapshot(provider.address()).orElseThrow().smoothedRtt()).isPositive();
        assertThat(nodes.start().peerSnapshot(provider.address())).as("another node knows no such peer").isEmpty();
    }

    @Test
    void aPathSwitchIsInTheSnapshotAsSoonAsTheLoopMadeIt() throws Exception {
        PilotNode relay = nodes.start();
        relay.serveAsRelay(true);
        PilotNode a = relayed(relay);
        PilotNode c = relayed(relay);
        AtomicBoolean open = new AtomicBoolean(false);
        try (UdpForwarder blocked = new UdpForwarder(c.localEndpoint(), d -> open.get() ? d : null)) {
            a.connect(new PeerContact(c.publicKey(), List.of(blocked.address()))).get(10, TimeUnit.SECONDS);
            assertThat(a.peerSnapshot(c.address()).orElseThrow().relayed()).isTrue();

            open.set(true);
            // peer() runs on the loop after the task that moved the path: the snapshot must already say so.
            await().atMost(10, TimeUnit.SECONDS).until(() -> !a.peer(c.address()).orElseThrow().relayed());
            PeerSnapshot after = a.peerSnapshot(c.address()).orElseThrow();
            assertThat(after.relayed()).isFalse();
            assertThat(after.established()).isTrue();
        }
    }

    private PilotNode relayed(PilotNode relay) {
        PilotNode node = nodes.start(b -> b.pathSettings(FAST));
        node.connect(relay.publicKey(), relay.localEndpoint()).join();
        node.useRelay(relay.localEndpoint(), relay.address());
        return node;
    }

    private static boolean sameRtt(PilotNode node, PilotAddress peer) {
        PeerInfo onTheLoop = node.peer(peer).orElseThrow();
        PeerSnapshot published = node.peerSnapshot(peer).orElseThrow();
        return onTheLoop.smoothedRtt() != null && onTheLoop.smoothedRtt().equals(published.smoothedRtt())
                && onTheLoop.relayed() == published.relayed() && onTheLoop.established() == published.established();
    }
}

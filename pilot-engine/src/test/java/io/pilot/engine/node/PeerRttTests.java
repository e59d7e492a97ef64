package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.transport.TransportConfig;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The round-trip time a node reports for a peer is the path's, not the peer's delayed-ACK timer. The bound is one of
 * correctness, not speed: a loopback path cannot honestly take half the delayed-ACK timer. The timer is set long
 * (200 ms) so that the bound holds apart "the timer leaked into the RTT" from a loopback round trip that a fresh JVM
 * on a loaded machine can stretch to tens of milliseconds.
 */
class PeerRttTests {

    private static final Duration MAX_ACK_DELAY = Duration.ofMillis(200);
    /** More than the transport acknowledges at once at the start of a connection, so most ACKs here are delayed. */
    private static final int CALLS = 10;

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void idleThenActivePairOnLoopbackReportsRttWellBelowTheDelayedAckTimer() throws Exception {
        TransportConfig transport = TransportConfig.builder().maxAckDelay(MAX_ACK_DELAY).build();
        PilotNode caller = nodes.start(b -> b.transportConfig(transport));
        PilotNode provider = nodes.start(b -> b.transportConfig(transport));
        provider.listen(100, MessageHandler.of(in -> Message.of("ok")));
        caller.connect(provider.publicKey(), provider.localEndpoint()).join();
        Thread.sleep(100);
        // Calls further apart than max_ack_delay: nothing follows a reply soon, so the caller acknowledges it only
        // when its delayed-ACK timer fires, and the provider's RTT samples carry that delay.
        for (int i = 0; i < CALLS; i++) {
            caller.request(new PilotSocketAddress(provider.address(), 100), Message.of("x")).join();
            Thread.sleep(MAX_ACK_DELAY.toMillis() + 50);
        }
        PeerInfo providerSeenByCaller = caller.peer(provider.address()).orElseThrow();
        PeerInfo callerSeenByProvider = provider.peer(caller.address()).orElseThrow();
        assertThat(providerSeenByCaller.smoothedRtt()).isLessThan(MAX_ACK_DELAY.dividedBy(2));
        assertThat(callerSeenByProvider.smoothedRtt()).isLessThan(MAX_ACK_DELAY.dividedBy(2));
    }
}

package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.transport.TransportConfig;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A connection's timer is armed for its earliest deadline and never moved later: when the deadline moves later (an
 * acknowledgement clears the loss timer of a request), the timer fires early, finds nothing due and arms the new
 * deadline without sending. Two real nodes on loopback; the timers that must still fire after such an early firing
 * are shown by what they put on the wire (keepalives) and by what they end (an idle connection).
 */
class ConnectionTimerTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    /** a asks b once and gets its answer: a's loss timer for the request armed, then cleared by b's ACK. */
    private static void answerOneRequest(PilotNode a, PilotNode b) {
        b.listen(80, MessageHandler.of(in -> Message.of("pong")));
        a.connect(b.publicKey(), b.localEndpoint()).join();
        assertThat(a.request(new PilotSocketAddress(b.address(), 80), Message.empty()).join().bodyAsString())
                .isEqualTo("pong");
    }

    @Test
    void afterTheLossTimerOfAnAnsweredRequestTheKeepalivesStillGoOut() {
        PilotNode a = nodes.start(x -> x.transportConfig(TransportConfig.builder()
                .keepaliveInterval(Duration.ofMillis(100)).idleTimeout(Duration.ofSeconds(60)).build()));
        // b sends no keepalive of its own: whatever reaches it while nothing is asked is a's.
        PilotNode b = nodes.start(x -> x.transportConfig(TransportConfig.builder()
                .keepaliveInterval(Duration.ZERO).build()));
        answerOneRequest(a, b);
        long bytesAfterReply = b.peer(a.address()).orElseThrow().bytesIn();

        // Ten keepalive intervals' worth of PINGs, each its own datagram: the timer re-armed after the early firing.
        Awaitility.await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                .until(() -> b.peer(a.address()).orElseThrow().bytesIn() - bytesAfterReply >= 10 * 30);
        assertThat(a.peer(b.address()).orElseThrow().established()).isTrue();
    }

    @Test
    void afterTheLossTimerOfAnAnsweredRequestAnIdleConnectionStillEnds() {
        // a keeps nothing alive and gives up after 300 ms of silence; b would keep its side for a minute, silently.
        PilotNode a = nodes.start(x -> x.transportConfig(TransportConfig.builder()
                .keepaliveInterval(Duration.ZERO).idleTimeout(Duration.ofMillis(300)).build()));
        PilotNode b = nodes.start(x -> x.transportConfig(TransportConfig.builder()
                .keepaliveInterval(Duration.ZERO).build()));
        answerOneRequest(a, b);

        Awaitility.await().atMost(10, TimeUnit.SECONDS)
                .until(() -> !a.peer(b.address()).orElseThrow().established());
    }
}

package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests that callers hand to a node's event loop while it is busy, and answers that handler threads hand back
 * meanwhile, are flushed once when the loop has run them all: they share packets instead of taking one each. The
 * loop is held busy for real, by an on-loop handler that blocks until the test lets it go (never do that outside a
 * test), so that the requests or answers are certainly queued behind it in one round.
 */
class RoundFlushTests {

    private static final int CALLS = 64;
    private static final int ECHO = 100;
    private static final int HOLD = 101;
    private static final int ECHO_ON_LOOP = 102;

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void requestsQueuedOnTheLoopTogetherShareItsPackets() throws Exception {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        b.listen(ECHO, MessageHandler.of(in -> Message.of("re " + in.message().bodyAsString())));
        LoopHold hold = LoopHold.on(a);
        a.connect(b.publicKey(), b.localEndpoint()).join();
        a.request(new PilotSocketAddress(b.address(), ECHO), Message.of("warm")).join();
        long before = packetsSent(a, b.address());

        CompletableFuture<Message> held = hold.holdFrom(b);
        List<CompletableFuture<Message>> replies = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            replies.add(a.request(new PilotSocketAddress(b.address(), ECHO), Message.of("n" + i)));
        }
        hold.release();
        held.join();
        for (int i = 0; i < CALLS; i++) {
            assertThat(replies.get(i).join().bodyAsString()).isEqualTo("re n" + i);
        }

        // One packet per request before; now the requests fill a few packets, and the rest are a's ACKs of b's
        // replies and the held exchange.
        assertThat(packetsSent(a, b.address()) - before).isLessThan(CALLS / 2);
    }

    @Test
    void answersHandedBackWhileTheLoopIsBusyShareItsPackets() throws Exception {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        CountDownLatch arrived = new CountDownLatch(CALLS);
        CompletableFuture<Void> answer = new CompletableFuture<>();
        b.listen(ECHO, in -> {
            arrived.countDown();
            return answer.thenApply(go -> Message.of("re " + in.message().bodyAsString()));
        });
        LoopHold hold = LoopHold.on(b);
        a.connect(b.publicKey(), b.localEndpoint()).join();
        List<CompletableFuture<Message>> replies = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            replies.add(a.request(new PilotSocketAddress(b.address(), ECHO), Message.of("n" + i)));
        }
        assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
        long before = packetsSent(b, a.address());

        CompletableFuture<Message> held = hold.holdFrom(a);
        // Completing it hands every answer to b's loop (the handlers' stages run on this thread), queued behind the hold.
        answer.complete(null);
        hold.release();
        held.join();
        for (int i = 0; i < CALLS; i++) {
            assertThat(replies.get(i).join().bodyAsString()).isEqualTo("re n" + i);
        }

        assertThat(packetsSent(b, a.address()) - before).isLessThan(CALLS / 2);
    }

    @Test
    void answersWrittenOnTheLoopForOneReadBatchShareItsPackets() throws Exception {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        // Answered on b's event loop as it reads each request, as a backbone answers lookups.
        b.listen(ECHO_ON_LOOP, MessageHandler.of(in -> Message.empty()), 1,
                in -> Message.of("re " + in.message().bodyAsString()));
        LoopHold hold = LoopHold.on(a);
        a.connect(b.publicKey(), b.localEndpoint()).join();
        a.request(new PilotSocketAddress(b.address(), ECHO_ON_LOOP), Message.of("warm")).join();

        // The requests leave a together, a few packets (the first test), so b reads them in one batch or a few.
        CompletableFuture<Message> held = hold.holdFrom(b);
        long before = packetsSent(b, a.address());
        List<CompletableFuture<Message>> replies = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            replies.add(a.request(new PilotSocketAddress(b.address(), ECHO_ON_LOOP), Message.of("n" + i)));
        }
        hold.release();
        held.join();
        for (int i = 0; i < CALLS; i++) {
            assertThat(replies.get(i).join().bodyAsString()).isEqualTo("re n" + i);
        }

        // An answer flushed as soon as it was written took a packet of its own: CALLS of them, besides the ACKs.
        assertThat(packetsSent(b, a.address()) - before).isLessThan(CALLS / 2);
    }

    private static long packetsSent(PilotNode node, PilotAddress peer) {
        return node.peer(peer).orElseThrow().transport().packetsSent();
    }

    /** Holds a node's event loop busy: a request to its on-loop handler blocks the loop until released. */
    private static final class LoopHold {
        private final PilotNode node;
        private final CountDownLatch holding = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        private LoopHold(PilotNode node) {
            this.node = node;
        }

        static LoopHold on(PilotNode node) {
            LoopHold hold = new LoopHold(node);
            node.listen(HOLD, MessageHandler.of(in -> Message.empty()), 1, in -> {
                hold.holding.countDown();
                try {
                    hold.released.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Message.of("held");
            });
            return hold;
        }

        /** Makes {@code caller} ask the held node's on-loop handler; returns once the loop is held. */
        CompletableFuture<Message> holdFrom(PilotNode caller) throws InterruptedException {
            CompletableFuture<Message> reply = caller.request(new PilotSocketAddress(node.address(), HOLD), Message.of("hold"));
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            return reply;
        }

        void release() {
            released.countDown();
        }
    }
}

package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.message.ReplyFuture;
import io.pilot.engine.net.SharedEventLoops;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link PilotNode#sendEach}: one message to many peers in one task on the event loop, flushed to the socket
 * together; and nodes that share {@link SharedEventLoops}.
 */
class SendEachTests {

    private static final int PORT = 2001;

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    /** Copies each node received on {@link #PORT}, by its address. */
    private final Map<PilotAddress, AtomicInteger> received = new ConcurrentHashMap<>();

    @Test
    void everyPeerWithASessionGetsItsCopyOnceAndAnUnknownOneFailsAlone() {
        PilotNode sender = nodes.start();
        List<PilotNode> peers = List.of(counting(nodes.start()), counting(nodes.start()), counting(nodes.start()));
        for (PilotNode peer : peers) {
            sender.connect(peer.publicKey(), peer.localEndpoint()).join();
        }
        PilotAddress stranger = nodes.start().address(); // never introduced, and no resolver to ask

        List<ReplyFuture<Void>> results = sender.sendEach(List.of(peers.get(0).address(), stranger,
                peers.get(1).address(), peers.get(2).address()), PORT, Message.of("to all"));

        assertThat(results).hasSize(4);
        results.get(0).join();
        results.get(2).join();
        results.get(3).join();
        assertThatThrownBy(results.get(1)::join).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(PilotException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNREACHABLE));
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 3);
        peers.forEach(peer -> assertThat(received.get(peer.address())).as("copies at %s", peer.address()).hasValue(1));
        assertThat(received).doesNotContainKey(stranger);
    }

    @Test
    void aPeerWithoutASessionYetGetsItsCopyOnceTheHandshakeCompletes() {
        PilotNode sender = nodes.start();
        PilotNode met = counting(nodes.start());
        PilotNode introduced = counting(nodes.start());
        sender.connect(met.publicKey(), met.localEndpoint()).join();
        sender.connect(introduced.publicKey(), introduced.localEndpoint()); // not waited for

        List<ReplyFuture<Void>> results = sender.sendEach(List.of(met.address(), introduced.address()), PORT,
                Message.of("hello"));

        results.forEach(ReplyFuture::join);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
        assertThat(received.values()).allSatisfy(count -> assertThat(count).hasValue(1));
    }

    @Test
    void nodesOnSharedLoopsTalkAndOneClosingLeavesTheLoopsToTheOthers() {
        try (SharedEventLoops loops = SharedEventLoops.create(1)) {
            PilotNode sender = nodes.start();
            PilotNode first = counting(nodes.start(b -> b.eventLoops(loops)));
            PilotNode second = counting(nodes.start(b -> b.eventLoops(loops)));
            sender.connect(first.publicKey(), first.localEndpoint()).join();
            sender.connect(second.publicKey(), second.localEndpoint()).join();
            first.connect(second.publicKey(), second.localEndpoint()).join(); // two nodes on the one loop thread

            sender.sendEach(List.of(first.address(), second.address()), PORT, Message.of("one")).forEach(ReplyFuture::join);
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);

            first.close();
            assertThat(second.ping(sender.address()).join()).as("the loop still serves the other node").isPositive();
            sender.sendEach(List.of(second.address()), PORT, Message.of("two")).forEach(ReplyFuture::join);
            await().atMost(Duration.ofSeconds(10)).until(() -> received.get(second.address()).get() == 2);
            second.close(); // the nodes before the loops they run on
        }
    }

    private PilotNode counting(PilotNode node) {
        node.listen(PORT, MessageHandler.of(in -> {
            received.computeIfAbsent(node.address(), a -> new AtomicInteger()).incrementAndGet();
            return Message.empty();
        }));
        return node;
    }
}

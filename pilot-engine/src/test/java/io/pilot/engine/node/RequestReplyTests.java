package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.address.Ports;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RequestReplyTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void handshakeThenRequestReplyBothWays() {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        a.listen(100, MessageHandler.of(in -> Message.of("a got " + in.message().bodyAsString() + " from " + in.from())));
        b.listen(100, MessageHandler.of(in -> Message.of("b got " + in.message().bodyAsString() + " from " + in.from())));

        PeerInfo peer = a.connect(b.publicKey(), b.localEndpoint()).join();
        assertThat(peer.address()).isEqualTo(b.address());
        assertThat(peer.key()).isEqualTo(b.publicKey());

        Message fromB = a.request(new PilotSocketAddress(b.address(), 100), Message.of("hello")).join();
        assertThat(fromB.bodyAsString()).isEqualTo("b got hello from " + a.address());
        // b learned a's address and endpoint from the handshake: it can call back without being told.
        Message fromA = b.request(new PilotSocketAddress(a.address(), 100), Message.of("hi")).join();
        assertThat(fromA.bodyAsString()).isEqualTo("a got hi from " + b.address());
    }

    @Test
    void connectByAddressLearnsAndChecksTheKey() {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        PeerInfo peer = a.connect(b.address(), b.localEndpoint()).join();
        assertThat(peer.key()).isEqualTo(b.publicKey());
    }

    @Test
    void headersTravelAndCorrelationIdIsSet() {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        b.listen(5, MessageHandler.of(in -> Message.of(new byte[0]).withAll(in.message().headers())));
        a.connect(b.publicKey(), b.localEndpoint()).join();
        Message reply = a.request(new PilotSocketAddress(b.address(), 5),
                Message.of("x").with(Headers.TRACEPARENT, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")).join();
        assertThat(reply.header(Headers.TRACEPARENT)).isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        UUID correlationId = UUID.fromString(reply.header(Headers.CORRELATION_ID));
        assertThat(correlationId.version()).isEqualTo(4);
        assertThat(correlationId.variant()).isEqualTo(2);
        Message another = a.request(new PilotSocketAddress(b.address(), 5), Message.of("y")).join();
        assertThat(another.header(Headers.CORRELATION_ID)).isNotEqualTo(correlationId.toString());
        assertThat(reply.header(Headers.CONTENT_TYPE)).isEqualTo("text/plain; charset=utf-8");
    }

    @Test
    void typedErrors() {
        PilotNode a = nodes.start(b -> b.maxMessageSize(1024));
        PilotNode b = nodes.start(x -> x.maxMessageSize(1024));
        b.listen(1, MessageHandler.of(in -> {
            throw new IllegalArgumentException("unknown DOI 10.1/x");
        }));
        b.listen(2, in -> new CompletableFuture<>());
        b.listen(3, MessageHandler.of(in -> Message.of(new byte[2048])));
        a.connect(b.publicKey(), b.localEndpoint()).join();

        assertThat(failure(a.request(new PilotSocketAddress(b.address(), 19), Message.of("?"))))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_LISTENER))
                .hasMessageContaining("nothing listens on port 19");
        assertThat(failure(a.request(new PilotSocketAddress(b.address(), 1), Message.of("?"))))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL))
                .hasMessageContaining("internal error; see the serving agent's log, correlation-id ")
                .hasMessageNotContaining("IllegalArgumentException")
                .hasMessageNotContaining("unknown DOI");
        // The callee enforces the deadline the caller sent, and its answer wins over the caller's own timer.
        assertThat(failure(a.request(new PilotSocketAddress(b.address(), 2), Message.of("?"), Duration.ofMillis(300))))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED))
                .hasMessageContaining("did not answer within the caller's deadline of 300 ms");
        assertThat(failure(a.request(new PilotSocketAddress(b.address(), 3), Message.of("?"))))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE))
                .hasMessageContaining("reply of 2048 bytes");
        assertThat(failure(a.request(new PilotSocketAddress(b.address(), 1), Message.of(new byte[1025]))))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
    }

    @Test
    void receiverRefusesAMessageOverItsOwnLimit() {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start(x -> x.maxMessageSize(1000));
        b.listen(1, MessageHandler.of(in -> Message.of("never")));
        a.connect(b.publicKey(), b.localEndpoint()).join();
        assertThat(failure(a.request(new PilotSocketAddress(b.address(), 1), Message.of(new byte[5000]))))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE))
                .hasMessageContaining("exceeds the limit of 1000 bytes");
        // The session is unharmed.
        assertThat(a.ping(b.address()).join()).isPositive();
    }

    @Test
    void aRequestRefusedBeforeItIsWholeStopsCrossingTheNetwork() {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start(x -> x.maxMessageSize(64 << 10));
        b.listen(1, MessageHandler.of(in -> Message.of("never")));
        a.connect(b.publicKey(), b.localEndpoint()).join();
        int size = 16 << 20;
        assertThat(failure(a.request(new PilotSocketAddress(b.address(), 1), Message.of(new byte[size]))))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
        // The refusal came with the request's first packet; the caller stops sending the rest (it resets its half of
        // the stream) instead of sending 16 MiB that would be read by no one.
        await().atMost(Duration.ofSeconds(20)).until(() -> peerOf(a, b).transport().liveStreams() == 0);
        assertThat(peerOf(b, a).bytesIn()).as("bytes b received from a").isLessThan(size / 16); // 12,396 bytes in a run here; 16.9 MB before
        assertThat(a.ping(b.address()).join()).isPositive();
    }

    private static PeerInfo peerOf(PilotNode node, PilotNode other) {
        return node.peers().stream().filter(p -> p.address().equals(other.address())).findFirst().orElseThrow();
    }

    @Test
    void unknownPeerIsUnreachable() {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        assertThat(failure(a.request(new PilotSocketAddress(b.address(), 1), Message.of("?"))))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.UNREACHABLE))
                .hasMessageContaining("unknown peer " + b.address());
    }

    @Test
    void oneWayMessagesArrive() throws InterruptedException {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        CountDownLatch received = new CountDownLatch(3);
        b.listen(40, MessageHandler.of(in -> {
            assertThat(in.expectsReply()).isFalse();
            received.countDown();
            return null;
        }));
        a.connect(b.publicKey(), b.localEndpoint()).join();
        for (int i = 0; i < 3; i++) {
            a.send(new PilotSocketAddress(b.address(), 40), Message.of("event " + i)).join();
        }
        assertThat(received.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void pingMeasuresARoundTrip() {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        a.connect(b.publicKey(), b.localEndpoint()).join();
        Duration rtt = a.ping(b.address()).join();
        assertThat(rtt).isPositive();
    }

    @Test
    void theDiscardServiceAnswersWithTheLengthItDropped() {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        a.connect(b.publicKey(), b.localEndpoint()).join();

        Message reply = a.request(new PilotSocketAddress(b.address(), Ports.DISCARD), Message.of(new byte[300_000])).join();

        assertThat(ByteBuffer.wrap(reply.body()).getLong()).isEqualTo(300_000);
        assertThat(reply.body()).hasSize(Long.BYTES);
    }

    static PilotException failure(CompletableFuture<?> future) {
        try {
            future.join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(PilotException.class);
            return (PilotException) e.getCause();
        }
        throw new AssertionError("expected a failure");
    }
}

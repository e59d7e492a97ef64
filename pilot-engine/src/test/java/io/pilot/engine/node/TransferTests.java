package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TransferTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void sixteenMebibyteMessageArrivesIntactBothWays() throws Exception {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        // The reply is the SHA-256 of what arrived, followed by the same bytes reversed: 16 MiB each way.
        b.listen(20, MessageHandler.of(in -> {
            byte[] body = in.message().body();
            byte[] reversed = new byte[body.length];
            for (int i = 0; i < body.length; i++) {
                reversed[i] = body[body.length - 1 - i];
            }
            return Message.of(reversed).with("sha256", sha256(body));
        }));
        a.connect(b.publicKey(), b.localEndpoint()).join();
        byte[] payload = new byte[16 * 1024 * 1024];
        new Random(3).nextBytes(payload);

        Message reply = a.request(new PilotSocketAddress(b.address(), 20), Message.of(payload)).get(120, TimeUnit.SECONDS);

        assertThat(reply.header("sha256")).isEqualTo(sha256(payload));
        assertThat(reply.body()).hasSize(payload.length);
        for (int i = 0; i < payload.length; i++) {
            if (reply.body()[i] != payload[payload.length - 1 - i]) {
                throw new AssertionError("byte " + i + " differs");
            }
        }
    }

    @Test
    void thousandConcurrentRequestsEachAnsweredExactlyOnce() throws Exception {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        b.listen(21, MessageHandler.of(in -> {
            String id = in.message().bodyAsString();
            assertThat(seen.add(id)).as("request %s handled twice", id).isTrue();
            return Message.of("re:" + id);
        }));
        a.connect(b.publicKey(), b.localEndpoint()).join();
        List<CompletableFuture<Message>> replies = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            replies.add(a.request(new PilotSocketAddress(b.address(), 21), Message.of("req-" + i)));
        }
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        for (int i = 0; i < 1000; i++) {
            assertThat(replies.get(i).join().bodyAsString()).isEqualTo("re:req-" + i);
        }
        assertThat(seen).hasSize(1000);
    }

    @Test
    void manyLargeStreamsAtOnceInBothDirections() throws Exception {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        MessageHandler digest = MessageHandler.of(in -> Message.of(sha256(in.message().body())));
        a.listen(22, digest);
        b.listen(22, digest);
        a.connect(b.publicKey(), b.localEndpoint()).join();
        Random random = new Random(5);
        List<CompletableFuture<Message>> replies = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            byte[] body = new byte[64 * 1024 + random.nextInt(256 * 1024)];
            random.nextBytes(body);
            expected.add(sha256(body));
            PilotNode from = i % 2 == 0 ? a : b;
            PilotNode to = i % 2 == 0 ? b : a;
            replies.add(from.request(new PilotSocketAddress(to.address(), 22), Message.of(body)));
        }
        for (int i = 0; i < replies.size(); i++) {
            assertThat(replies.get(i).get(60, TimeUnit.SECONDS).bodyAsString()).isEqualTo(expected.get(i));
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.net.Impairment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Messages over a link that loses, reorders, duplicates and delays datagrams (in both directions of
 * one node's socket, handshakes included): every message is delivered exactly once, bytes identical,
 * and every transfer finishes.
 */
class ImpairedLinkTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    static List<Arguments> links() {
        return List.of(
                Arguments.of("1% loss", Impairment.loss(0.01, 1), 2 << 20),
                Arguments.of("5% loss", Impairment.loss(0.05, 2), 1 << 20),
                Arguments.of("20% loss", Impairment.loss(0.20, 3), 256 << 10),
                Arguments.of("reordering", new Impairment(0, 0, 0.25, Duration.ZERO, Duration.ofMillis(3), 4), 2 << 20),
                Arguments.of("duplication", new Impairment(0, 0.2, 0, Duration.ZERO, Duration.ZERO, 5), 2 << 20),
                Arguments.of("delay 20 ms", new Impairment(0, 0, 0, Duration.ofMillis(10), Duration.ZERO, 6), 2 << 20),
                Arguments.of("all at once", new Impairment(0.05, 0.05, 0.1, Duration.ofMillis(2), Duration.ofMillis(4), 7), 1 << 20));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("links")
    void everyMessageExactlyOnceAndIntact(String name, Impairment impairment, int largeSize) throws Exception {
        PilotNode a = nodes.start(x -> x.impairment(impairment));
        PilotNode b = nodes.start();
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        b.listen(60, MessageHandler.of(in -> {
            deliveries.computeIfAbsent(in.message().header("id"), k -> new AtomicInteger()).incrementAndGet();
            return Message.of(TransferTests.sha256(in.message().body()));
        }));
        a.connect(b.publicKey(), b.localEndpoint()).get(30, TimeUnit.SECONDS);

        Random random = new Random(name.hashCode());
        List<CompletableFuture<Message>> replies = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            byte[] body = new byte[i == 0 ? largeSize : 1 + random.nextInt(16 * 1024)];
            random.nextBytes(body);
            expected.add(TransferTests.sha256(body));
            replies.add(a.request(new PilotSocketAddress(b.address(), 60), Message.of(body).with("id", "m" + i),
                    Duration.ofSeconds(120)));
        }
        for (int i = 0; i < replies.size(); i++) {
            assertThat(replies.get(i).get(150, TimeUnit.SECONDS).bodyAsString()).as("reply %d", i).isEqualTo(expected.get(i));
        }
        assertThat(deliveries).hasSize(101);
        assertThat(deliveries.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    }
}

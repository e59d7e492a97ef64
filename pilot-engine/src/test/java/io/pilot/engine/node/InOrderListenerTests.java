package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.Message;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A port served in order ({@link PilotNode#listenInOrder}) hands its messages to the handler one at a time, in the
 * order they arrived, over real sessions on loopback: what the directory's watch events need.
 */
class InOrderListenerTests {

    private static final int MESSAGES = 200;

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void messagesSentOneAfterAnotherAreHandledOneAtATimeInThatOrder() throws Exception {
        PilotNode server = nodes.start();
        PilotNode client = nodes.start();
        List<Integer> handled = new CopyOnWriteArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        server.listenInOrder(50, in -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            int n = Integer.parseInt(in.message().bodyAsString());
            if (n % 3 == 0) {
                sleep(2); // uneven work: on the pooled path the next messages' runs overtake this one
            }
            handled.add(n);
            running.decrementAndGet();
            return CompletableFuture.completedFuture(null);
        });
        client.connect(server.publicKey(), server.localEndpoint()).join();
        PilotSocketAddress target = new PilotSocketAddress(server.address(), 50);
        for (int i = 0; i < MESSAGES; i++) {
            client.send(target, Message.of(Integer.toString(i)));
        }
        await().atMost(20, TimeUnit.SECONDS).until(() -> handled.size() == MESSAGES);
        assertThat(handled).containsExactlyElementsOf(IntStream.range(0, MESSAGES).boxed().toList());
        assertThat(mostAtOnce.get()).isEqualTo(1);
    }

    @Test
    void aReplyCompletedLaterDoesNotHoldUpTheNextMessage() {
        PilotNode server = nodes.start();
        PilotNode client = nodes.start();
        CompletableFuture<Message> firstReply = new CompletableFuture<>();
        server.listenInOrder(51, in -> in.message().bodyAsString().equals("first")
                ? firstReply : CompletableFuture.completedFuture(Message.of("second answered")));
        client.connect(server.publicKey(), server.localEndpoint()).join();
        PilotSocketAddress target = new PilotSocketAddress(server.address(), 51);
        CompletableFuture<Message> first = client.request(target, Message.of("first"));
        assertThat(client.request(target, Message.of("second")).join().bodyAsString()).isEqualTo("second answered");
        assertThat(first).isNotDone();
        firstReply.complete(Message.of("first answered"));
        assertThat(first.join().bodyAsString()).isEqualTo("first answered");
    }

    @Test
    void closingTheHandleStopsServingThePort() throws Exception {
        PilotNode server = nodes.start();
        PilotNode client = nodes.start();
        AutoCloseable serving = server.listenInOrder(52, in -> CompletableFuture.completedFuture(Message.of("yes")));
        client.connect(server.publicKey(), server.localEndpoint()).join();
        PilotSocketAddress target = new PilotSocketAddress(server.address(), 52);
        assertThat(client.request(target, Message.empty()).join().bodyAsString()).isEqualTo("yes");
        serving.close();
        assertThat(client.request(target, Message.empty())).failsWithin(10, TimeUnit.SECONDS)
                .withThrowableThat().withMessageContaining("nothing listens on port 52");
        // and the port can be served again, the pooled way
        server.listen(52, in -> CompletableFuture.completedFuture(Message.of("pooled")));
        assertThat(client.request(target, Message.empty()).join().bodyAsString()).isEqualTo("pooled");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

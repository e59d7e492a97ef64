package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.PilotException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A port served with a concurrency limit answers OVERLOADED past it, over real sessions on loopback. */
class ConcurrencyLimitTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void requestsPastTheLimitAreAnsweredOverloadedAndAdmittedAgainOnceOneIsAnswered() throws Exception {
        PilotNode server = nodes.start();
        PilotNode client = nodes.start();
        CountDownLatch release = new CountDownLatch(1);
        Semaphore started = new Semaphore(0);
        // Slow handlers, as an LLM call would be: each waits until the test lets it go.
        server.listen(40, in -> CompletableFuture.supplyAsync(() -> {
            started.release();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Message.of("done");
        }), 3);
        server.listen(41, in -> CompletableFuture.completedFuture(Message.of("unlimited")));
        client.connect(server.publicKey(), server.localEndpoint()).join();
        PilotSocketAddress limited = new PilotSocketAddress(server.address(), 40);

        List<CompletableFuture<Message>> admitted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            admitted.add(client.request(limited, Message.of("slow " + i)));
        }
        assertThat(started.tryAcquire(3, 10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> client.request(limited, Message.of("one too many")).join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(PilotException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED);
                    assertThat(e.getMessage()).contains("limit of 3 requests on port 40");
                });
        // Another port of the node is not held back by the busy one.
        assertThat(client.request(new PilotSocketAddress(server.address(), 41), Message.empty()).join().bodyAsString())
                .isEqualTo("unlimited");

        release.countDown();
        for (CompletableFuture<Message> reply : admitted) {
            assertThat(reply.join().bodyAsString()).isEqualTo("done");
        }
        // Answered requests give their places back.
        assertThat(client.request(limited, Message.of("again")).join().bodyAsString()).isEqualTo("done");
    }

    @Test
    void refusesALimitBelowOne() {
        PilotNode server = nodes.start();
        assertThatThrownBy(() -> server.listen(42, in -> CompletableFuture.completedFuture(Message.empty()), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }
}

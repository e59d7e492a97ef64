package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.PilotNode;
import io.pilot.engine.Waits;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.address.Ports;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.message.ReplyFuture;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where callers' code runs once the network answers: a blocked caller is woken straight from the event loop, the
 * dependents of a node's futures never run on the {@code pilot-io} thread, and under many concurrent requests every
 * one completes exactly once.
 */
class CallerThreadTests {

    private static final int HELD = 50;

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void dependentsOfAReplyNeverRunOnTheNetworkThread() throws Exception {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        CountDownLatch release = new CountDownLatch(1);
        b.listen(HELD, in -> CompletableFuture.supplyAsync(() -> {
            Waits.awaitLatch(release);
            return Message.of("held");
        }));
        a.connect(b.publicKey(), b.localEndpoint()).join();

        // Every dependent is in place before the reply can arrive, so the delivery on the loop meets them all.
        ReplyFuture<Message> reply = a.request(new PilotSocketAddress(b.address(), HELD), Message.of("?"));
        List<CompletableFuture<String>> threads = new ArrayList<>();
        threads.add(reply.thenApply(m -> threadName()));
        threads.add(reply.handle((m, e) -> threadName()));
        threads.add(CompletableFuture.allOf(reply).thenApply(v -> threadName()));
        threads.add(CompletableFuture.completedFuture("x").thenComposeAsync(x -> reply).thenApply(m -> threadName()));
        threads.add(reply.toCompletableFuture().copy().thenApply(m -> threadName()));
        release.countDown();

        for (CompletableFuture<String> thread : threads) {
            assertThat(thread.get(10, TimeUnit.SECONDS)).doesNotStartWith("pilot-io");
        }
        assertThat(reply.join().bodyAsString()).isEqualTo("held");
        // The node's other futures: the same guarantee.
        assertThat(a.ping(b.address()).thenApply(d -> threadName()).get(10, TimeUnit.SECONDS)).doesNotStartWith("pilot-io");
        assertThat(a.send(new PilotSocketAddress(b.address(), HELD), Message.of("!")).thenApply(v -> threadName())
                .get(10, TimeUnit.SECONDS)).doesNotStartWith("pilot-io");
        assertThat(a.connect(b.publicKey(), b.localEndpoint()).thenApply(p -> threadName()).get(10, TimeUnit.SECONDS))
                .doesNotStartWith("pilot-io");
    }

    @Test
    void aWaitForAReplyOnTheEventLoopFailsAtOnceInsteadOfStallingTheNode() throws Exception {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        PilotNode c = nodes.start();
        int waits = 51;
        a.connect(b.publicKey(), b.localEndpoint()).join();
        b.connect(c.publicKey(), c.localEndpoint()).join();
        // A handler on b's event loop that waits there for c's answer: the answer could only come through that loop.
        AtomicReference<Throwable> refused = new AtomicReference<>();
        b.listen(waits, MessageHandler.of(in -> Message.of("pooled")), Integer.MAX_VALUE, in -> {
            try {
                return b.request(new PilotSocketAddress(c.address(), Ports.ECHO), Message.of("?")).join();
            } catch (IllegalStateException e) {
                refused.set(e);
                throw e;
            }
        });

        // Answered INTERNAL at once, not after the request timeout (30 s) of a stalled loop.
        assertThatThrownBy(() -> a.request(new PilotSocketAddress(b.address(), waits), Message.of("?"))
                .get(20, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(PilotException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
        assertThat(refused.get()).hasMessageContaining("on the event loop thread pilot-io")
                .hasMessageContaining("would stall every session it runs");
        // Off the loop, the same wait is allowed, and b still answers.
        assertThat(b.request(new PilotSocketAddress(c.address(), Ports.ECHO), Message.of("!")).join()
                .bodyAsString()).isEqualTo("!");
        assertThat(a.ping(b.address()).get(10, TimeUnit.SECONDS)).isPositive();

        // A handler on the loop that throws an Error is answered as a pooled one's failure is, and the node goes on.
        int throwsError = 52;
        b.listen(throwsError, MessageHandler.of(in -> Message.of("pooled")), Integer.MAX_VALUE, in -> {
            throw new AssertionError("a broken handler");
        });
        assertThatThrownBy(() -> a.request(new PilotSocketAddress(b.address(), throwsError), Message.of("?"))
                .get(20, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(PilotException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
        assertThat(a.ping(b.address()).get(10, TimeUnit.SECONDS)).isPositive();
    }

    @Test
    void aBlockedCallerIsWokenByTheReplyAndCompletesTheFutureItself() throws Exception {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        CountDownLatch release = new CountDownLatch(1);
        b.listen(HELD, in -> CompletableFuture.supplyAsync(() -> {
            Waits.awaitLatch(release);
            return Message.of("held");
        }));
        a.connect(b.publicKey(), b.localEndpoint()).join();
        ReplyFuture<Message> reply = a.request(new PilotSocketAddress(b.address(), HELD), Message.of("?"));
        AtomicReference<String> dependentThread = new AtomicReference<>();
        reply.thenRun(() -> dependentThread.set(threadName()));
        AtomicReference<String> joined = new AtomicReference<>();
        Thread caller = new Thread(() -> joined.set(reply.join().bodyAsString()), "test-caller");
        caller.start();
        Waits.awaitParked(caller);

        release.countDown();
        caller.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(joined.get()).isEqualTo("held");
        // Woken straight from the loop, the caller completed the future on its own thread: no callback thread was
        // between the reply and the caller, and the dependent ran where the caller's own code runs.
        assertThat(dependentThread.get()).isEqualTo("test-caller");
    }

    @Test
    void anEngineCompositionPassesTheReplyOnFromTheLoopAndItsCallerIsWokenDirectly() throws Exception {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        CountDownLatch release = new CountDownLatch(1);
        b.listen(HELD, in -> CompletableFuture.supplyAsync(() -> {
            Waits.awaitLatch(release);
            return Message.of("held");
        }));
        a.connect(b.publicKey(), b.localEndpoint()).join();
        // As an anycast does: take the request's outcome on the loop, pass a result on in a future of the node's.
        ReplyFuture<String> composed = a.newFuture();
        AtomicReference<String> continuationThread = new AtomicReference<>();
        a.request(new PilotSocketAddress(b.address(), HELD), Message.of("?")).whenDelivered((reply, error) -> {
            continuationThread.set(threadName());
            if (error != null) {
                composed.deliverFailure(error);
            } else {
                composed.deliver(reply.bodyAsString() + ", composed");
            }
        });
        AtomicReference<String> dependentThread = new AtomicReference<>();
        composed.thenRun(() -> dependentThread.set(threadName()));
        AtomicReference<String> joined = new AtomicReference<>();
        Thread caller = new Thread(() -> joined.set(composed.join()), "test-caller");
        caller.start();
        Waits.awaitParked(caller);

        release.countDown();
        caller.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(joined.get()).isEqualTo("held, composed");
        assertThat(continuationThread.get()).startsWith("pilot-io");
        assertThat(dependentThread.get()).isEqualTo("test-caller");
    }

    @Test
    void aCancelledRequestWakesItsCallerAndTheSessionCarriesOn() throws Exception {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        CountDownLatch release = new CountDownLatch(1);
        b.listen(HELD, in -> CompletableFuture.supplyAsync(() -> {
            Waits.awaitLatch(release);
            return Message.of("held");
        }));
        a.connect(b.publicKey(), b.localEndpoint()).join();
        ReplyFuture<Message> reply = a.request(new PilotSocketAddress(b.address(), HELD), Message.of("?"));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                reply.join();
            } catch (CancellationException e) {
                thrown.set(e);
            }
        }, "test-caller");
        caller.start();
        Waits.awaitParked(caller);

        reply.cancel(true);
        caller.join(TimeUnit.SECONDS.toMillis(10));
        release.countDown();

        assertThat(thrown.get()).isInstanceOf(CancellationException.class);
        assertThatThrownBy(reply::join).isInstanceOf(CancellationException.class);
        assertThat(a.request(new PilotSocketAddress(b.address(), HELD), Message.of("?")).get(10, TimeUnit.SECONDS)
                .bodyAsString()).isEqualTo("held");
    }

    @Test
    void aThousandConcurrentRequestsEachCompleteExactlyOnce() throws Exception {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        b.listen(60, MessageHandler.of(in -> {
            handled.computeIfAbsent(in.message().bodyAsString(), k -> new AtomicInteger()).incrementAndGet();
            return Message.of("re " + in.message().bodyAsString());
        }));
        a.connect(b.publicKey(), b.localEndpoint()).join();
        PilotSocketAddress target = new PilotSocketAddress(b.address(), 60);
        int requests = 1_000;
        Map<String, AtomicInteger> completed = new ConcurrentHashMap<>();
        Map<String, String> replies = new ConcurrentHashMap<>();
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String body = "request " + i;
                boolean blocking = i % 2 == 0;
                all.add(CompletableFuture.runAsync(() -> {
                    ReplyFuture<Message> reply = a.request(target, Message.of(body));
                    // Half the callers block in join, half only add a dependent: both paths, interleaved.
                    CompletableFuture<Void> counted = reply.thenAccept(m -> {
                        completed.computeIfAbsent(body, k -> new AtomicInteger()).incrementAndGet();
                        replies.put(body, m.bodyAsString());
                    });
                    if (blocking) {
                        reply.join();
                    }
                    counted.join();
                }, callers));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            callers.shutdownNow();
        }
        assertThat(completed).hasSize(requests);
        assertThat(completed.values()).allSatisfy(count -> assertThat(count).hasValue(1));
        assertThat(handled).hasSize(requests);
        assertThat(handled.values()).allSatisfy(count -> assertThat(count).hasValue(1));
        for (int i = 0; i < requests; i++) {
            assertThat(replies).containsEntry("request " + i, "re request " + i);
        }
    }

    private static String threadName() {
        return Thread.currentThread().getName();
    }
}

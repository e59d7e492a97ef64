package io.pilot.engine.node;

import static io.pilot.engine.Waits.awaitLatch;
import static io.pilot.engine.node.RequestReplyTests.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.Cancellation;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.ReplyFuture;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deadlines and cancellation between real nodes on loopback: the deadline header a request carries, the callee
 * enforcing it, and a handler's {@link Cancellation} fired by the deadline, the caller or the connection.
 */
class DeadlineTests {

    private static final int ECHO_HEADERS = 10;
    private static final int SLOW = 11;

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void theRequestCarriesItsTimeoutAsTheDeadlineOrAShorterOneItAlreadyCarries() {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        b.listen(ECHO_HEADERS, MessageHandler.of(in -> Message.of(new byte[0]).withAll(in.message().headers())));
        a.connect(b.publicKey(), b.localEndpoint()).join();
        PilotSocketAddress target = new PilotSocketAddress(b.address(), ECHO_HEADERS);

        assertThat(a.request(target, Message.of("x"), Duration.ofSeconds(5)).join().header(Headers.DEADLINE))
                .isEqualTo("5000");
        assertThat(a.request(target, Message.of("x").with(Headers.DEADLINE, "1200"), Duration.ofSeconds(5)).join()
                .header(Headers.DEADLINE)).as("a shorter deadline the caller passes on is kept").isEqualTo("1200");
        assertThat(a.request(target, Message.of("x").with(Headers.DEADLINE, "9000"), Duration.ofSeconds(5)).join()
                .header(Headers.DEADLINE)).as("a longer one shrinks to the timeout").isEqualTo("5000");
    }

    @Test
    void aDeadlineShrinksAcrossHops() {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        PilotNode c = nodes.start();
        c.listen(ECHO_HEADERS, MessageHandler.of(in -> Message.of(new byte[0]).withAll(in.message().headers())));
        b.connect(c.publicKey(), c.localEndpoint()).join();
        // b serves by asking c, with its own generous timeout bounded by what is left of a's deadline.
        b.listen(ECHO_HEADERS, MessageHandler.of(in -> b.request(new PilotSocketAddress(c.address(), ECHO_HEADERS),
                Message.of("hop"), in.cancellation().within(Duration.ofMinutes(10))).join()));
        a.connect(b.publicKey(), b.localEndpoint()).join();

        Message fromC = a.request(new PilotSocketAddress(b.address(), ECHO_HEADERS), Message.of("x"),
                Duration.ofSeconds(20)).join();

        assertThat(Long.parseLong(fromC.header(Headers.DEADLINE))).isPositive().isLessThanOrEqualTo(20_000);
    }

    @Test
    void aLocalCallersMalformedDeadlineIsRefusedAndNothingIsSent() {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        AtomicInteger ran = new AtomicInteger();
        b.listen(ECHO_HEADERS, MessageHandler.of(in -> {
            ran.incrementAndGet();
            return in.message();
        }));
        a.connect(b.publicKey(), b.localEndpoint()).join();
        PilotSocketAddress target = new PilotSocketAddress(b.address(), ECHO_HEADERS);

        assertThat(failure(a.request(target, Message.of("x").with(Headers.DEADLINE, "-1"))))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("header deadline must be whole milliseconds from 0 to 2147483647, got '-1'");
        a.request(target, Message.of("y")).join();
        assertThat(ran).as("only the well-formed request reached the handler").hasValue(1);
    }

    @Test
    void aSlowHandlerIsCancelledAtTheDeadlineAndTheCallerHearsDeadlineExceeded() {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        List<ErrorCode> reasons = new CopyOnWriteArrayList<>();
        CountDownLatch cancelled = new CountDownLatch(1);
        b.listen(SLOW, MessageHandler.of(in -> {
            in.cancellation().onCancel(() -> {
                reasons.add(in.cancellation().reason());
                cancelled.countDown();
            });
            awaitLatch(cancelled); // works until told to stop
            return Message.of("too late");
        }));
        a.connect(b.publicKey(), b.localEndpoint()).join();

        assertThat(failure(a.request(new PilotSocketAddress(b.address(), SLOW), Message.of("x"), Duration.ofMillis(200))))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED))
                .hasMessageContaining("did not answer within the caller's deadline of 200 ms; the work was cancelled");
        awaitLatch(cancelled);
        assertThat(reasons).containsExactly(ErrorCode.DEADLINE_EXCEEDED);
    }

    @Test
    void aReturnedFutureIsCancelledAtTheDeadline() {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        CompletableFuture<Message> work = new CompletableFuture<>();
        CountDownLatch ended = new CountDownLatch(1);
        work.whenComplete((reply, failure) -> ended.countDown());
        b.listen(SLOW, in -> work);
        a.connect(b.publicKey(), b.localEndpoint()).join();

        assertThat(failure(a.request(new PilotSocketAddress(b.address(), SLOW), Message.of("x"), Duration.ofMillis(100))))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
        awaitLatch(ended);
        assertThat(work).isCancelled();
    }

    @Test
    void aDeadlineSpentOnArrivalIsAnsweredWithoutRunningTheHandler() {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        AtomicInteger ran = new AtomicInteger();
        b.listen(SLOW, MessageHandler.of(in -> {
            ran.incrementAndGet();
            return Message.of("ran");
        }));
        a.connect(b.publicKey(), b.localEndpoint()).join();

        // A caller passing on a deadline with nothing left of it.
        assertThat(failure(a.request(new PilotSocketAddress(b.address(), SLOW), Message.of("x").with(Headers.DEADLINE, "0"))))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED))
                .hasMessageContaining("the caller's deadline had passed when the request reached " + b.address());
        assertThat(ran).hasValue(0);
    }

    @Test
    void aCallerThatCancelsCancelsTheHandlerAndNothingElse() throws Exception {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        List<ErrorCode> reasons = new CopyOnWriteArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        b.listen(SLOW, MessageHandler.of(in -> {
            if (in.message().bodyAsString().equals("cancel me")) {
                in.cancellation().onCancel(() -> {
                    reasons.add(in.cancellation().reason());
                    cancelled.countDown();
                });
                started.countDown();
                awaitLatch(cancelled);
                return Message.of("unwanted");
            }
            awaitLatch(release);
            return Message.of("kept");
        }));
        a.connect(b.publicKey(), b.localEndpoint()).join();
        PilotSocketAddress target = new PilotSocketAddress(b.address(), SLOW);
        ReplyFuture<Message> other = a.request(target, Message.of("keep me"));
        ReplyFuture<Message> call = a.request(target, Message.of("cancel me"));
        awaitLatch(started);

        assertThat(call.cancel(true)).isTrue();

        awaitLatch(cancelled);
        assertThat(reasons).containsExactly(ErrorCode.CANCELLED);
        assertThat(call).isCancelled();
        release.countDown();
        assertThat(other.get(10, TimeUnit.SECONDS).bodyAsString()).as("the other request on the session").isEqualTo("kept");
        assertThat(a.request(target, Message.of("after")).get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("kept");
    }

    @Test
    void aClosedConnectionCancelsTheHandler() {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        List<ErrorCode> reasons = new CopyOnWriteArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        b.listen(SLOW, MessageHandler.of(in -> {
            in.cancellation().onCancel(() -> {
                reasons.add(in.cancellation().reason());
                cancelled.countDown();
            });
            started.countDown();
            awaitLatch(cancelled);
            return Message.of("nobody listens");
        }));
        a.connect(b.publicKey(), b.localEndpoint()).join();
        a.request(new PilotSocketAddress(b.address(), SLOW), Message.of("x"));
        awaitLatch(started);

        a.close();

        awaitLatch(cancelled);
        assertThat(reasons).containsExactly(ErrorCode.CANCELLED);
    }

    @Test
    void anUnexpectedExceptionIsInternalAndNamesItsClassOnlyWhenTheNodeExposesDetails() {
        PilotNode a = nodes.start();
        PilotNode discreet = nodes.start();
        PilotNode open = nodes.start(builder -> builder.exposeErrorDetails(true));
        MessageHandler failing = MessageHandler.of(in -> {
            throw new IllegalStateException("pool db-7 exhausted");
        });
        discreet.listen(SLOW, failing);
        open.listen(SLOW, failing);
        a.connect(discreet.publicKey(), discreet.localEndpoint()).join();
        a.connect(open.publicKey(), open.localEndpoint()).join();
        Message request = Message.of("x").with(Headers.CORRELATION_ID, "req-42");

        assertThat(failure(a.request(new PilotSocketAddress(discreet.address(), SLOW), request)))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL))
                .hasMessageEndingWith("internal error; see the serving agent's log, correlation-id req-42")
                .hasMessageNotContaining("IllegalStateException").hasMessageNotContaining("db-7");
        assertThat(failure(a.request(new PilotSocketAddress(open.address(), SLOW), request)))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL))
                .hasMessageContaining("internal error (IllegalStateException: pool db-7 exhausted); see the serving "
                        + "agent's log, correlation-id req-42");
    }
}

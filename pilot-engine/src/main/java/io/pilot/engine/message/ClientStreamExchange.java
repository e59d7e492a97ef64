package io.pilot.engine.message;

import io.netty.channel.EventLoop;
import io.pilot.engine.session.Peer;
import io.pilot.engine.transport.Stream;
import io.pilot.engine.transport.StreamHandler;
import io.pilot.engine.transport.TransportError;

import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The caller's side of one streamed reply: the subscription its subscriber holds, and the handler of its transport
 * stream. The REQUEST_STREAM frame leaves at the subscriber's first {@code request(n)}, granting the first credit;
 * CREDIT frames follow as the subscriber takes items ({@link CreditWindow}); ITEM frames go to the subscriber
 * ({@link SubscriberSignals}) until END or ERROR. {@code cancel()} resets the stream, which cancels the producer.
 *
 * <p>The time limit is an idle limit: while the server owes items (credit granted and unused), an item or the end
 * must arrive within {@code idleTimeout} of the previous one (or of the credit that started the wait), else the
 * stream is reset and the subscriber gets {@link ErrorCode#TIMEOUT}. A consumer that asks for nothing waits as long
 * as it likes. A total limit ({@code deadlineNanos}, from the subscription) is optional: what is left of it travels
 * as the request's {@code deadline} header, which the server enforces (ERROR {@link ErrorCode#DEADLINE_EXCEEDED}
 * after the items it sent); if nothing ends the stream by the deadline plus {@link MessageService#DEADLINE_GRACE_NANOS},
 * it is reset and the subscriber gets {@link ErrorCode#TIMEOUT}. Subscription methods may be called from any thread;
 * everything else runs on the event loop.
 */
final class ClientStreamExchange implements StreamHandler, Flow.Subscription, StreamedReplies.PeerStream {

    private final StreamedReplies replies;
    private final EventLoop loop;
    private final Message request;
    private final CreditWindow credit;
    private final long idleTimeoutNanos;
    /** The total limit, or {@link MessageService#NO_DEADLINE}. */
    private final long deadlineNanos;
    /** When the total limit passes, in {@link System#nanoTime()} terms; meaningless without one. */
    private final long deadlineAt;
    private final SubscriberSignals signals;
    private final MessageFrameDecoder decoder;
    private Peer peer;
    private int port;
    private Stream stream;
    private boolean done;
    private long lastProgressNanos;
    private ScheduledFuture<?> idleCheck;
    private ScheduledFuture<?> deadlineCheck;

    /** @param deadlineNanos the whole stream's limit from now (the subscription), or {@link MessageService#NO_DEADLINE} */
    ClientStreamExchange(StreamedReplies replies, Message request, int window, long idleTimeoutNanos, long deadlineNanos,
            Flow.Subscriber<? super Message> subscriber, SerialExecutor callbacks) {
        this.replies = replies;
        this.loop = replies.loop();
        this.request = request;
        this.credit = new CreditWindow(window);
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.deadlineNanos = deadlineNanos;
        this.deadlineAt = System.nanoTime() + Math.max(0, deadlineNanos);
        this.decoder = new MessageFrameDecoder(replies.maxMessageSize());
        this.signals = new SubscriberSignals(subscriber, callbacks, taken -> onLoop(() -> taken(taken.getAsLong())));
    }

    /** Hands the subscriber its subscription; from the subscribing thread. */
    void start() {
        signals.subscribed(this);
    }

    // ------------------------------------------------------------------ Flow.Subscription (any thread)

    @Override
    public void request(long n) {
        if (n <= 0) {
            // Flow §3.9: a non-positive request is the subscriber's bug, reported to it, and the stream ends.
            onLoop(() -> fail(new IllegalArgumentException("request(" + n + "): the count must be positive")));
            return;
        }
        onLoop(() -> demand(n));
    }

    @Override
    public void cancel() {
        signals.cancelled();
        onLoop(this::cancelled);
    }

    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException nodeClosed) {
            signals.failed(new PilotException(ErrorCode.CONNECTION_LOST, "the node closed"));
        }
    }

    // ------------------------------------------------------------------ event loop

    /** The session with {@code target} is up; the request leaves on the first demand. */
    void opened(Peer target, int targetPort) {
        if (done) {
            return;
        }
        this.peer = target;
        this.port = targetPort;
        if (deadlineNanos != MessageService.NO_DEADLINE) {
            // Past the deadline by a grace, so that the server's DEADLINE_EXCEEDED arrives first when it is alive.
            deadlineCheck = loop.schedule(this::deadlinePassed,
                    deadlineAt - System.nanoTime() + MessageService.DEADLINE_GRACE_NANOS, TimeUnit.NANOSECONDS);
        }
        sendRequestOrCredit();
    }

    /** No session could be had (or the node is closing); from any thread. */
    void sessionFailed(Throwable failure) {
        onLoop(() -> fail(failure));
    }

    private void demand(long n) {
        credit.demand(n);
        sendRequestOrCredit();
    }

    private void taken(long n) {
        credit.delivered(n);
        sendRequestOrCredit();
    }

    private void sendRequestOrCredit() {
        if (done || peer == null) {
            return;
        }
        boolean waitedBefore = credit.owed();
        int granted = credit.grant();
        if (granted == 0) {
            return;
        }
        if (!waitedBefore) {
            lastProgressNanos = System.nanoTime();
        }
        try {
            if (stream == null) {
                stream = peer.connection().openStream(port);
                stream.setHandler(this);
                replies.register(peer, this);
                Message first = request.with(Headers.CREDIT, Integer.toString(granted));
                if (deadlineNanos != MessageService.NO_DEADLINE) {
                    first = first.with(Headers.DEADLINE, Long.toString(DeadlineHeader.millisOf(deadlineAt - System.nanoTime())));
                }
                if (first.header(Headers.CORRELATION_ID) == null) {
                    first = first.with(Headers.CORRELATION_ID, MessageService.correlationId());
                }
                FrameWriter.write(stream, new MessageFrame(FrameKind.REQUEST_STREAM, first));
            } else {
                FrameWriter.write(stream, StreamCredit.frame(granted));
            }
            replies.flush(peer);
        } catch (RuntimeException e) {
            // The connection closed or ran out of stream ids in between.
            fail(new PilotException(ErrorCode.CONNECTION_LOST, "cannot send to " + peer.address() + ": "
                    + e.getMessage(), e));
            return;
        }
        armIdleCheck();
    }

    @Override
    public void onData(Stream s, ByteBuffer data) {
        try {
            while (!done) {
                MessageFrame frame = decoder.next(data);
                if (frame == null) {
                    return;
                }
                received(frame);
            }
        } catch (FrameException e) {
            abort(new PilotException(e.code(), "bad streamed reply from " + peer.address() + ": " + e.getMessage()));
        }
    }

    private void received(MessageFrame frame) {
        lastProgressNanos = System.nanoTime();
        switch (frame.kind()) {
            case ITEM -> {
                if (!credit.received()) {
                    abort(new PilotException(ErrorCode.PROTOCOL, peer.address()
                            + " sent an item beyond the credit it was granted"));
                    return;
                }
                signals.item(frame.message(), this);
            }
            case END -> {
                finishOurHalf();
                end();
                signals.completed();
            }
            case ERROR -> {
                finishOurHalf();
                end();
                Message error = frame.message();
                signals.failed(new PilotException(ErrorCode.fromWire(error.header(Headers.ERROR_CODE)),
                        peer.address() + ": " + error.bodyAsString(), error));
            }
            default -> abort(new PilotException(ErrorCode.PROTOCOL, peer.address()
                    + " answered a streamed request with a " + frame.kind() + " frame"));
        }
    }

    @Override
    public void onFinished(Stream s) {
        if (!done) {
            finishOurHalf();
            fail(new PilotException(ErrorCode.PROTOCOL, peer.address() + " ended the stream without END or ERROR"));
        }
    }

    @Override
    public void onReset(Stream s, int errorCode) {
        if (done) {
            return;
        }
        fail(errorCode == TransportError.STREAM_REFUSED
                ? new PilotException(ErrorCode.OVERLOADED, peer.address() + " refused the stream: too many open at once")
                : new PilotException(ErrorCode.CONNECTION_LOST, peer.address() + " reset the stream (code " + errorCode
                        + ")"));
    }

    @Override
    public void connectionLost(String reason) {
        fail(new PilotException(ErrorCode.CONNECTION_LOST, "connection to " + peer.address() + " lost: " + reason));
    }

    private void cancelled() {
        if (!done) {
            resetStream();
            end();
        }
    }

    private void armIdleCheck() {
        if (idleCheck == null && !done) {
            idleCheck = loop.schedule(this::checkIdle, idleTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** One timer per stream, moved on only when it fires: items arriving fast cost no timer operations. */
    private void checkIdle() {
        idleCheck = null;
        if (done || !credit.owed()) {
            return;
        }
        long idle = System.nanoTime() - lastProgressNanos;
        if (idle < idleTimeoutNanos) {
            idleCheck = loop.schedule(this::checkIdle, idleTimeoutNanos - idle, TimeUnit.NANOSECONDS);
            return;
        }
        abort(new PilotException(ErrorCode.TIMEOUT, "no item from " + peer.address() + " within "
                + idleTimeoutNanos / 1_000_000 + " ms"));
    }

    /** Nothing ended the stream by its deadline (plus the grace): the server is gone or does not enforce it. */
    private void deadlinePassed() {
        deadlineCheck = null;
        if (done) {
            return;
        }
        long millis = deadlineNanos / 1_000_000;
        if (stream == null) {
            fail(new PilotException(ErrorCode.DEADLINE_EXCEEDED, "the stream's deadline of " + millis
                    + " ms passed before its subscriber asked for an item; nothing was sent"));
        } else {
            abort(new PilotException(ErrorCode.TIMEOUT, peer.address() + " did not end the stream within its deadline of "
                    + millis + " ms"));
        }
    }

    /** We refuse the rest of the stream: reset it (which cancels the producer) and tell the subscriber. */
    private void abort(PilotException failure) {
        resetStream();
        fail(failure);
    }

    private void fail(Throwable failure) {
        if (done) {
            return;
        }
        resetStream();
        end();
        signals.failed(failure);
    }

    private void resetStream() {
        if (stream != null && !done) {
            stream.reset(MessageService.RESET_CANCELLED);
            replies.flush(peer);
        }
    }

    private void finishOurHalf() {
        try {
            stream.finish();
            replies.flush(peer);
        } catch (IllegalStateException streamGone) {
            // Already reset, or the connection closed.
        }
    }

    private void end() {
        done = true;
        if (idleCheck != null) {
            idleCheck.cancel(false);
            idleCheck = null;
        }
        if (deadlineCheck != null) {
            deadlineCheck.cancel(false);
            deadlineCheck = null;
        }
        if (stream != null) {
            replies.unregister(peer, this);
        }
    }
}

package io.pilot.engine.message;

import io.pilot.engine.session.Peer;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A streamed reply as a caller sees it: a cold publisher. Each subscription is a request of its own: it gets a
 * session with the target at once and sends the request on the subscriber's first {@code request(n)}.
 */
final class StreamedReply implements Flow.Publisher<Message> {

    private final StreamedReplies replies;
    private final MessageService.PeerFinder target;
    private final int port;
    private final Message request;
    private final long idleTimeoutNanos;
    /** The caller's total limit, or {@link MessageService#NO_DEADLINE}. */
    private final long deadlineNanos;
    private final int window;
    private final Executor callbacks;

    StreamedReply(StreamedReplies replies, MessageService.PeerFinder target, int port, Message request,
            long idleTimeoutNanos, long deadlineNanos, int window, Executor callbacks) {
        this.replies = replies;
        this.target = target;
        this.port = port;
        this.request = request;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.deadlineNanos = deadlineNanos;
        this.window = window;
        this.callbacks = callbacks;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Message> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        long carried = DeadlineHeader.ABSENT;
        PilotException refused = null;
        try {
            carried = DeadlineHeader.parse(request.header(Headers.DEADLINE));
        } catch (FrameException e) {
            refused = new PilotException(ErrorCode.INVALID_ARGUMENT, e.getMessage()); // the caller's own header
        }
        ClientStreamExchange exchange = new ClientStreamExchange(replies, request, window, idleTimeoutNanos,
                shorter(deadlineNanos, carried), subscriber, new SerialExecutor(callbacks));
        exchange.start();
        if (refused != null) {
            exchange.sessionFailed(refused);
            return;
        }
        if (request.body().length > replies.maxMessageSize()) {
            exchange.sessionFailed(new PilotException(ErrorCode.TOO_LARGE, "message of " + request.body().length
                    + " bytes exceeds the limit of " + replies.maxMessageSize() + " bytes"));
            return;
        }
        Consumer<Peer> onPeer = peer -> exchange.opened(peer, port);
        target.find(onPeer, exchange::sessionFailed);
    }

    /**
     * The stream's total limit: the caller's, or the {@code deadline} header the request carries (a handler passing
     * on what is left of its own) when that is shorter; {@link MessageService#NO_DEADLINE} if neither is set.
     */
    private static long shorter(long deadlineNanos, long carriedMillis) {
        if (carriedMillis == DeadlineHeader.ABSENT) {
            return deadlineNanos;
        }
        long carried = TimeUnit.MILLISECONDS.toNanos(carriedMillis);
        return deadlineNanos == MessageService.NO_DEADLINE ? carried : Math.min(deadlineNanos, carried);
    }
}

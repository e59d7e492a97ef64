package io.pilot.engine.message;

import io.pilot.engine.session.Peer;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
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
    private final int window;
    private final Executor callbacks;

    StreamedReply(StreamedReplies replies, MessageService.PeerFinder target, int port, Message request,
            long idleTimeoutNanos, int window, Executor callbacks) {
        this.replies = replies;
        this.target = target;
        this.port = port;
        this.request = request;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.window = window;
        this.callbacks = callbacks;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Message> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        ClientStreamExchange exchange = new ClientStreamExchange(replies, request, window, idleTimeoutNanos, subscriber,
                new SerialExecutor(callbacks));
        exchange.start();
        if (request.body().length > replies.maxMessageSize()) {
            exchange.sessionFailed(new PilotException(ErrorCode.TOO_LARGE, "message of " + request.body().length
                    + " bytes exceeds the limit of " + replies.maxMessageSize() + " bytes"));
            return;
        }
        Consumer<Peer> onPeer = peer -> exchange.opened(peer, port);
        target.find(onPeer, exchange::sessionFailed);
    }
}

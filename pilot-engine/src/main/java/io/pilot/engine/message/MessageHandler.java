package io.pilot.engine.message;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * Answers messages that arrive on a port. Runs on the node's handler executor, never on its network
 * thread, so it may block. A thrown {@link PilotException} or a stage failed with one becomes an error reply with its
 * code and message; any other exception becomes {@link ErrorCode#INTERNAL} naming only the request's correlation id
 * (the exception is logged here). {@link IncomingMessage#cancellation()} tells the handler when its work is no longer
 * wanted; a returned {@link CompletableFuture} is then cancelled.
 */
@FunctionalInterface
public interface MessageHandler {

    CompletionStage<Message> handle(IncomingMessage message) throws Exception;

    /**
     * Answers a streamed request (a caller's {@code requestStream}) with items as they come. The publisher is
     * subscribed on the handler executor and asked for items only as the caller grants credit: it must send no more
     * than requested (Flow's rule), so a slow caller slows it; a caller that cancels, goes away or breaks the
     * protocol cancels its subscription. Its error becomes an ERROR frame with a {@link PilotException}'s code, or
     * {@link ErrorCode#INTERNAL} without details (they go to this node's log). By default the reply of
     * {@link #handle} is the stream's one item.
     */
    default Flow.Publisher<Message> handleStream(IncomingMessage message) throws Exception {
        return new OneItemPublisher(handle(message));
    }

    /** A streamed reply of one item and then the end: a plain reply, as a stream. */
    static Flow.Publisher<Message> oneItem(Message item) {
        return new OneItemPublisher(CompletableFuture.completedFuture(item));
    }

    /** A handler that answers synchronously. */
    static MessageHandler of(Function<IncomingMessage, Message> handler) {
        return message -> CompletableFuture.completedFuture(handler.apply(message));
    }

    /**
     * A handler that answers only streamed requests, with the publisher {@code handler} returns; a plain request is
     * answered {@link ErrorCode#INVALID_ARGUMENT}.
     */
    static MessageHandler streaming(Function<IncomingMessage, Flow.Publisher<Message>> handler) {
        return new MessageHandler() {
            @Override
            public CompletionStage<Message> handle(IncomingMessage message) {
                return CompletableFuture.failedFuture(new PilotException(ErrorCode.INVALID_ARGUMENT,
                        "port " + message.port() + " streams its replies: call it with requestStream"));
            }

            @Override
            public Flow.Publisher<Message> handleStream(IncomingMessage message) {
                return handler.apply(message);
            }
        };
    }
}

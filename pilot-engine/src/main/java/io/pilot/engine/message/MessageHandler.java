package io.pilot.engine.message;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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

    /** A handler that answers synchronously. */
    static MessageHandler of(Function<IncomingMessage, Message> handler) {
        return message -> CompletableFuture.completedFuture(handler.apply(message));
    }
}

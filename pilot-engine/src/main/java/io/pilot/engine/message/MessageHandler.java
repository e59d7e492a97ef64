package io.pilot.engine.message;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Answers messages that arrive on a port. Runs on the node's handler executor, never on its network
 * thread, so it may block. A thrown exception or a failed stage becomes an error reply with code
 * {@link ErrorCode#REMOTE_FAILURE} (or the code of a {@link PilotException}) and the exception's message.
 */
@FunctionalInterface
public interface MessageHandler {

    CompletionStage<Message> handle(IncomingMessage message) throws Exception;

    /** A handler that answers synchronously. */
    static MessageHandler of(Function<IncomingMessage, Message> handler) {
        return message -> CompletableFuture.completedFuture(handler.apply(message));
    }
}

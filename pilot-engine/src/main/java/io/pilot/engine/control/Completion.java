package io.pilot.engine.control;

import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.message.PilotException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for what the node is doing and turns its failures into the control codes, so every command
 * reports a lost peer, a missing name or a silent backbone the same way.
 */
final class Completion {

    private final DirectoryClient directory;
    private final Duration limit;

    /**
     * @param directory the node's directory client, or null; tells "not found" from "backbone away"
     * @param limit the longest any one wait may take
     */
    Completion(DirectoryClient directory, Duration limit) {
        this.directory = directory;
        this.limit = limit;
    }

    /** The future's value, or a {@link ControlException} saying why there is none. */
    <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new ControlException(ControlError.TIMEOUT, "no answer within " + limit.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(ControlError.INTERNAL, "interrupted while waiting", e);
        } catch (ExecutionException e) {
            throw translate(e.getCause());
        }
    }

    /** The control error for a failure of the node's API. */
    ControlException translate(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ControlException control) {
            return control;
        }
        if (cause instanceof PilotException pilot) {
            ControlError code = switch (pilot.code()) {
                case TIMEOUT -> ControlError.TIMEOUT;
                case TOO_LARGE -> ControlError.TOO_LARGE;
                default -> ControlError.UNREACHABLE;
            };
            return new ControlException(code, pilot.code() + ": " + pilot.getMessage(), pilot);
        }
        if (cause instanceof DirectoryException refusal) {
            boolean backboneAway = directory != null && directory.status() == DirectoryClient.Status.BACKBONE_UNREACHABLE;
            if (refusal.error() == DirectoryError.NOT_FOUND) {
                return new ControlException(backboneAway ? ControlError.BACKBONE_UNREACHABLE : ControlError.NOT_FOUND,
                        refusal.reason(), refusal);
            }
            if (refusal.error() == DirectoryError.GROUP_DENIED) {
                return new ControlException(ControlError.DENIED, "the backbone refused: " + refusal.reason(), refusal);
            }
            return new ControlException(ControlError.INTERNAL, "the backbone refused: " + refusal.getMessage(), refusal);
        }
        if (cause instanceof TimeoutException) {
            return new ControlException(ControlError.TIMEOUT, String.valueOf(cause.getMessage()), cause);
        }
        if (cause instanceof IllegalArgumentException) {
            return new ControlException(ControlError.BAD_REQUEST, cause.getMessage(), cause);
        }
        return new ControlException(ControlError.INTERNAL, cause.toString(), cause);
    }
}

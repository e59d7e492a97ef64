package io.pilot.engine.directory;

import io.pilot.engine.codec.BinaryReader;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The backbone as lookups see it. A realm that needs a join token lets only registered nodes read its directory, so a
 * lookup made while this node's own registration is still on its way is refused {@code NOT_REGISTERED}: it is asked
 * again once the registration completes (within the request timeout). A registration that failed fails the lookup
 * with its own reason (a wrong join token, say), which says more than the refusal.
 */
final class ReadsAfterRegistration implements BackboneCall {

    private final BackboneCall backbone;
    private final Supplier<CompletableFuture<?>> registered;
    private final Duration timeout;

    /** @param registered completes when this node is registered, or fails as its registration did */
    ReadsAfterRegistration(BackboneCall backbone, Supplier<CompletableFuture<?>> registered, Duration timeout) {
        this.backbone = backbone;
        this.registered = registered;
        this.timeout = timeout;
    }

    @Override
    public <T> CompletableFuture<T> call(byte[] request, Function<BinaryReader, T> read) {
        return backbone.call(request, read).exceptionallyCompose(error -> afterRegistration(error, () -> backbone.call(request, read)));
    }

    @Override
    public <T> CompletableFuture<T> callPaged(byte[] request, Function<BinaryReader, T> read) {
        return backbone.callPaged(request, read)
                .exceptionallyCompose(error -> afterRegistration(error, () -> backbone.callPaged(request, read)));
    }

    private <T> CompletableFuture<T> afterRegistration(Throwable error, Supplier<CompletableFuture<T>> again) {
        if (!(BackboneCall.unwrap(error) instanceof DirectoryException refusal) || refusal.error() != DirectoryError.NOT_REGISTERED) {
            return CompletableFuture.failedFuture(error);
        }
        CompletableFuture<?> registration = registered.get();
        if (registration.isDone() && !registration.isCompletedExceptionally()) {
            return CompletableFuture.failedFuture(error); // registered already, and refused still: a lapsed lease
        }
        return registration.copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((done, failure) -> failure == null ? again.get() : CompletableFuture.<T>failedFuture(
                        failure instanceof java.util.concurrent.TimeoutException ? error : BackboneCall.unwrap(failure)))
                .thenCompose(next -> next);
    }
}

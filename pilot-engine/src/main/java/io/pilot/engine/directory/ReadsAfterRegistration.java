package io.pilot.engine.directory;

import io.pilot.engine.codec.BinaryReader;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
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
    private final BooleanSupplier isRegistered;
    private final Supplier<CompletableFuture<?>> registered;
    private final Duration timeout;

    /**
     * @param isRegistered whether this node's first registration has completed (asked of every call: it must be cheap)
     * @param registered   a future of its own that completes when it has, or fails as it did (asked after a refusal)
     */
    ReadsAfterRegistration(BackboneCall backbone, BooleanSupplier isRegistered, Supplier<CompletableFuture<?>> registered,
                           Duration timeout) {
        this.backbone = backbone;
        this.isRegistered = isRegistered;
        this.registered = registered;
        this.timeout = timeout;
    }

    @Override
    public <T> CompletableFuture<T> call(byte[] request, Function<BinaryReader, T> read) {
        return askedAgainOnceRegistered(() -> backbone.call(request, read));
    }

    @Override
    public <T> CompletableFuture<T> callPaged(byte[] request, Function<BinaryReader, T> read) {
        return askedAgainOnceRegistered(() -> backbone.callPaged(request, read));
    }

    private <T> CompletableFuture<T> askedAgainOnceRegistered(Supplier<CompletableFuture<T>> ask) {
        boolean registeredWhenAsked = isRegistered.getAsBoolean();
        return ask.get().exceptionallyCompose(error -> afterRegistration(error, registeredWhenAsked, ask));
    }

    /**
     * @param registeredWhenAsked whether this node's first registration had completed when the request left: a request
     *                            that left before is asked again even if the registration completed since (the refusal
     *                            was on its way meanwhile); one refused after is a lapsed lease, not asked again
     */
    private <T> CompletableFuture<T> afterRegistration(Throwable error, boolean registeredWhenAsked,
                                                       Supplier<CompletableFuture<T>> again) {
        if (!(BackboneCall.unwrap(error) instanceof DirectoryException refusal) || refusal.error() != DirectoryError.NOT_REGISTERED) {
            return CompletableFuture.failedFuture(error);
        }
        if (registeredWhenAsked) {
            return CompletableFuture.failedFuture(error);
        }
        return registered.get().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((done, failure) -> failure == null ? again.get() : CompletableFuture.<T>failedFuture(
                        BackboneCall.unwrap(failure) instanceof TimeoutException ? error : BackboneCall.unwrap(failure)))
                .thenCompose(next -> next);
    }
}

package io.pilot.backbone.etcd;

import io.pilot.engine.backbone.SharedDirectoryStore;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for etcd calls within the location's timeout; a failure becomes a STORE_UNAVAILABLE refusal naming etcd. */
final class EtcdCalls {

    private EtcdCalls() {
    }

    static <T> T await(CompletableFuture<T> call, EtcdLocation location, String what) {
        try {
            return call.get(location.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw SharedDirectoryStore.unavailable("etcd at " + location.describe() + " did not answer within "
                    + location.timeout().toMillis() + " ms to " + what, null);
        } catch (ExecutionException e) {
            throw SharedDirectoryStore.unavailable("etcd at " + location.describe() + " failed to " + what, rootCause(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SharedDirectoryStore.unavailable("interrupted while waiting for etcd to " + what, null);
        }
    }

    /** The message an operator needs is usually the innermost one (etcd's own words). */
    static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}

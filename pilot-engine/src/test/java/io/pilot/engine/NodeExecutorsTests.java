package io.pilot.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

/** Which pools a node owns, where futures complete, and what happens once the pools are shut down. */
class NodeExecutorsTests {

    @Test
    void futuresCompleteOnACallbackThread() {
        NodeExecutors executors = new NodeExecutors(null);
        try {
            CompletableFuture<String> result = new CompletableFuture<>();
            CompletableFuture<String> thread = result.thenApply(v -> Thread.currentThread().getName());
            executors.complete(result, "done");
            // The dependent's thread first: a thread woken in result.join() may run pending dependents itself.
            assertThat(thread.join()).startsWith("pilot-callback");
            assertThat(result.join()).isEqualTo("done");
            CompletableFuture<String> handler = new CompletableFuture<>();
            executors.handlers().execute(() -> handler.complete(Thread.currentThread().getName()));
            assertThat(handler.join()).startsWith("pilot-handler");
        } finally {
            executors.shutdown();
        }
    }

    @Test
    void aFailureStillReachesTheCallerOnceTheNodeHasShutDown() {
        NodeExecutors executors = new NodeExecutors(null);
        executors.shutdown();
        CompletableFuture<Void> result = new CompletableFuture<>();
        IllegalStateException cause = new IllegalStateException("closed");
        executors.fail(result, cause);
        assertThat(result).isCompletedExceptionally();
        assertThat(result).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class).withCause(cause);
    }

    @Test
    void aUserHandlerExecutorIsUsedAndNeverShutDown() {
        ExecutorService user = Executors.newSingleThreadExecutor();
        try {
            NodeExecutors executors = new NodeExecutors(user);
            assertThat(executors.handlers()).isSameAs(user);
            executors.shutdown();
            assertThat(user.isShutdown()).isFalse();
        } finally {
            user.shutdownNow();
        }
    }
}

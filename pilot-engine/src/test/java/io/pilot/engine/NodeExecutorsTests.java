package io.pilot.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.message.ReplyFuture;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

/** Which pools a node owns, where futures complete, and what happens once the pools are shut down. */
class NodeExecutorsTests {

    @Test
    void futuresNobodyWaitsForCompleteOnACallbackThread() {
        NodeExecutors executors = new NodeExecutors(null);
        try {
            ReplyFuture<String> result = executors.newFuture();
            CompletableFuture<String> thread = result.thenApply(v -> Thread.currentThread().getName());
            result.deliver("done");
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
        ReplyFuture<Void> result = executors.newFuture();
        CompletableFuture<String> thread = result.handle((v, e) -> Thread.currentThread().getName());
        IllegalStateException cause = new IllegalStateException("closed");
        result.deliverFailure(cause);
        // Nobody waited: the dependent ran elsewhere (the common pool), not on the thread that delivered.
        assertThat(thread.join()).isNotEqualTo(Thread.currentThread().getName());
        assertThat(result).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class).withCause(cause);
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

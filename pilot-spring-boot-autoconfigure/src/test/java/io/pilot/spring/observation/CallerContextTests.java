package io.pilot.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link CallerContext} alone: the caller's observation in stages completed on another thread, failures and cancels. */
class CallerContextTests {

    private final ObservationRegistry registry = TestObservationRegistry.create();
    private final ExecutorService completer = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        completer.shutdownNow();
    }

    @Test
    void stagesChainedByTheCallerRunInItsObservationOnTheCompletingThread() throws Exception {
        CompletableFuture<String> source = new CompletableFuture<>();
        AtomicReference<Observation> seen = new AtomicReference<>();
        AtomicReference<Thread> thread = new AtomicReference<>();
        Observation caller = Observation.start("caller", registry);
        CompletableFuture<String> chained;
        try (Observation.Scope scope = caller.openScope()) {
            chained = CallerContext.carriedInto(source).thenApply(value -> {
                seen.set(registry.getCurrentObservation());
                thread.set(Thread.currentThread());
                return value + "!";
            });
        }
        assertThat(registry.getCurrentObservation()).isNull();
        completer.submit(() -> source.complete("done")).get(10, TimeUnit.SECONDS);

        assertThat(chained.get(10, TimeUnit.SECONDS)).isEqualTo("done!");
        assertThat(seen.get()).isSameAs(caller);
        assertThat(thread.get()).isNotSameAs(Thread.currentThread());
        // Restored only while completing: the completing thread is left as it was.
        assertThat(completer.submit(registry::getCurrentObservation).get(10, TimeUnit.SECONDS)).isNull();
        caller.stop();
    }

    @Test
    void aFailureReachesTheCallerUnchanged() {
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletableFuture<String> carried = CallerContext.carriedInto(source);
        IllegalStateException failure = new IllegalStateException("no");
        source.completeExceptionally(failure);
        assertThat(carried).isCompletedExceptionally();
        assertThat(carried.handle((value, error) -> error).join()).isSameAs(failure);
        CompletableFuture<String> wrapped = new CompletableFuture<>();
        CompletableFuture<String> carriedWrapped = CallerContext.carriedInto(wrapped);
        wrapped.completeExceptionally(new CompletionException(failure));
        assertThat(carriedWrapped).failsWithin(1, TimeUnit.SECONDS).withThrowableThat().havingCause().isSameAs(failure);
    }

    @Test
    void cancellingTheCallersFutureCancelsTheCall() {
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletableFuture<String> carried = CallerContext.carriedInto(source);
        carried.cancel(true);
        assertThat(source).isCancelled();
    }
}

package io.pilot.samples.coordinator;

import io.pilot.spring.PilotRemoteException;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import org.reactivestreams.Subscription;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * One streamed fx series relayed to the page as Server-Sent Events, as the points arrive: {@code source} (who streams
 * them, over which path), a {@code point} each ({@code {"date":…,"rate":…}}, its number as the event id), then
 * {@code end} with the coordinator's own figures ({@link Summary}) or {@code failure} with the code and the specialist's
 * words ({@link Failure}) when the stream breaks after some points.
 *
 * <p>A failure before the first point is no stream: {@link #start} throws it, so the request is answered with its
 * status and problem document (an unknown currency is a 400, like {@code /api/rate}'s). The points are written on a
 * worker thread, never the Pilot node's: a browser that reads slowly blocks that write, the worker asks for no more,
 * and the specialist's credit runs out, so it waits too. When the browser goes away the next write fails, and the
 * subscription is disposed: the call is cancelled and the specialist stops producing.
 */
final class SeriesRelay extends BaseSubscriber<Fx.Point> {

    /** Points taken from the call ahead of the browser: the call's own credit window is 32 as well. */
    private static final int AHEAD = 32;

    /**
     * The coordinator's figures of a stream that ended well.
     *
     * @param items the points relayed
     * @param firstItemMillis from the call to its first point, at the coordinator
     * @param millis from the call to its end
     */
    record Summary(int items, double firstItemMillis, double millis) {
    }

    /**
     * Why a stream ended early.
     *
     * @param code the failure's code ({@code UNAVAILABLE}, {@code TIMEOUT}, …)
     * @param detail the specialist's words, or the client's
     * @param capability the capability that failed, when known
     * @param items the points relayed before it
     */
    record Failure(String code, String detail, String capability, int items) {
    }

    private final SseEmitter emitter;
    private final Supplier<?> source;
    private final CompletableFuture<Void> firstSignal = new CompletableFuture<>();
    private final long started = System.nanoTime();
    private volatile long firstItemNanos;
    private volatile Fx.Point first;
    private volatile boolean endedEmpty;
    private volatile int items;

    private SeriesRelay(Duration timeout, Supplier<?> source) {
        this.emitter = new SseEmitter(timeout.toMillis());
        this.source = source;
        emitter.onCompletion(this::dispose);
        emitter.onTimeout(this::dispose);
        emitter.onError(error -> dispose());
    }

    /**
     * Subscribes to {@code points} (one call) and waits for its first signal: the emitter the request answers with,
     * or the failure that came before any point, thrown.
     *
     * @param source describes who streams, read once the first point is in (the tunnel to the producer is up then)
     * @param timeout how long the page may hold the stream open at most
     */
    static SseEmitter start(Flux<Fx.Point> points, Supplier<?> source, Duration timeout) {
        SeriesRelay relay = new SeriesRelay(timeout, source);
        points.publishOn(Schedulers.boundedElastic(), AHEAD).subscribe(relay);
        try {
            relay.firstSignal.join(); // bounded: the stream's idle limit fails it with TIMEOUT
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : e;
        }
        relay.relayFirst();
        return relay.emitter;
    }

    /** Only the first point is asked for until the request is answered, so nothing piles up before the page reads. */
    @Override
    protected void hookOnSubscribe(Subscription subscription) {
        subscription.request(1);
    }

    @Override
    protected void hookOnNext(Fx.Point point) {
        if (first == null && items == 0) {
            firstItemNanos = System.nanoTime();
            first = point;
            firstSignal.complete(null);
            return;
        }
        send("point", ++items, point);
    }

    @Override
    protected void hookOnComplete() {
        if (!firstSignal.isDone()) {
            endedEmpty = true;
            firstSignal.complete(null);
            return;
        }
        end();
    }

    @Override
    protected void hookOnError(Throwable failure) {
        if (!firstSignal.isDone()) {
            firstSignal.completeExceptionally(failure);
            return;
        }
        if (send("failure", null, describe(failure))) {
            emitter.complete();
        }
    }

    /** Sends who streams and the first point, then lets the rest come. On the request's thread, before it returns. */
    private void relayFirst() {
        send("source", null, source.get());
        if (endedEmpty) {
            end();
            return;
        }
        Fx.Point point = first;
        first = null;
        send("point", ++items, point);
        request(Long.MAX_VALUE); // bounded all the same: publishOn keeps at most AHEAD points ahead
    }

    private void end() {
        double millis = (System.nanoTime() - started) / 1e6;
        double firstMillis = firstItemNanos == 0 ? millis : (firstItemNanos - started) / 1e6;
        if (send("end", null, new Summary(items, firstMillis, millis))) {
            emitter.complete();
        }
    }

    /** Whether the event went out; when the page is gone, the call is cancelled instead. */
    private boolean send(String event, Integer id, Object data) {
        SseEmitter.SseEventBuilder builder = SseEmitter.event().name(event).data(data, MediaType.APPLICATION_JSON);
        try {
            emitter.send(id == null ? builder : builder.id(id.toString()));
            return true;
        } catch (IOException | IllegalStateException gone) {
            dispose(); // the page went away (or the emitter ended): stop the specialist
            return false;
        }
    }

    private Failure describe(Throwable failure) {
        if (failure instanceof PilotRemoteException remote) {
            return new Failure(remote.code().name(), remote.detail(), remote.capability(), items);
        }
        return new Failure("INTERNAL", String.valueOf(failure.getMessage()), null, items);
    }
}

package io.pilot.samples.coordinator;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotReply;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import reactor.core.publisher.Flux;

/** The fx specialist as the coordinator calls it; {@code pilot.client.interfaces.fx.*} says where and how long. */
public interface Fx {

    /** Sent as {@code {"base":…,"quote":…}}: the latest rate, with who answered it, for the answer's part. */
    @Capability("fx.rate")
    CompletableFuture<PilotReply<Rate>> rateReply(String base, String quote);

    /** The same call, blocking, for {@code GET /api/rate}: a failure is thrown as it arrives. */
    @Capability("fx.rate")
    Rate rate(String base, String quote);

    /**
     * Sent as {@code {"base":…,"quote":…,"from":…,"to":…}} (null bounds: the whole data): the daily rates, oldest
     * first, as the specialist streams them. Cold: each subscription is one call; cancelling it stops the specialist.
     * The interface's timeout is the stream's idle limit (to the first point, then between points).
     */
    @Capability("fx.series.stream")
    Flux<Point> series(String base, String quote, @Nullable LocalDate from, @Nullable LocalDate to);

    /** One point of {@code fx.series.stream}: 1 base = {@code rate} quote on {@code date}. */
    record Point(LocalDate date, BigDecimal rate) {
    }

    /** What {@code fx.rate} answers: 1 {@code base} = {@code rate} {@code quote} on {@code date}. */
    record Rate(String base, String quote, LocalDate date, BigDecimal rate, String source) {
    }
}

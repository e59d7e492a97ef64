package io.pilot.engine.session;

import io.netty.channel.EventLoop;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Wakes the event loop for the {@link KeyTimers}' tick only when something is due, instead of every
 * {@link KeyTimers#TICK_NANOS}: a node whose sessions have nothing due for minutes (keys young, peers heard from,
 * no handshake under way) is not woken at all, where the fixed tick woke every node twenty times a second: 502
 * resting nodes' event loops took 0.16 to 0.18 cores with it, 0.02 to 0.05 without (docs/benchmarks.md, section 10,
 * where the backbone link's own tick went too). Ticks stay at
 * least {@link KeyTimers#TICK_NANOS} apart, so a burst of due times still costs one wake-up per tick, and a timer
 * fires at most one tick late, as before.
 *
 * <p>Whatever may bring the earliest due time forward ({@link KeyTimers#reschedule}, a half-open responder added)
 * calls {@link #update}: a comparison with the armed time, and a new timer only when the due time came before it.
 * A due time that moved later is found when the armed tick fires, which arms the next. Confined to the event loop.
 */
final class TickAlarm {

    private final EventLoop loop;
    private final LongSupplier nextDue;
    private final LongConsumer tick;
    private ScheduledFuture<?> armed;
    /** When the armed tick fires ({@link System#nanoTime}); {@link Long#MAX_VALUE} when none is armed. */
    private long armedAtNanos = Long.MAX_VALUE;
    private long lastTickNanos = Long.MIN_VALUE;
    private boolean stopped;
    private long ticks;

    /**
     * @param nextDue when the next tick is due ({@link System#nanoTime}), {@link Long#MAX_VALUE} for never
     * @param tick    the tick, given the time
     */
    TickAlarm(EventLoop loop, LongSupplier nextDue, LongConsumer tick) {
        this.loop = loop;
        this.nextDue = nextDue;
        this.tick = tick;
    }

    /** Arms the tick for the earliest due time, if that comes before the tick already armed. */
    void update() {
        if (stopped) {
            return;
        }
        long due = nextDue.getAsLong();
        if (due == Long.MAX_VALUE) {
            return; // an armed tick stays: it finds nothing due and arms nothing
        }
        long at = Math.max(due, lastTickNanos + KeyTimers.TICK_NANOS);
        if (armedAtNanos != Long.MAX_VALUE && at - armedAtNanos >= 0) {
            return;
        }
        if (armed != null) {
            armed.cancel(false);
        }
        try {
            // The delay from the clock now: a caller's time may be from the start of a long read batch.
            armed = loop.schedule(this::fire, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
            armedAtNanos = at;
        } catch (RejectedExecutionException shuttingDown) {
            armed = null; // the loop takes no more work: its node is closing
            armedAtNanos = Long.MAX_VALUE;
        }
    }

    private void fire() {
        armed = null;
        armedAtNanos = Long.MAX_VALUE;
        if (stopped) {
            return;
        }
        long now = System.nanoTime();
        lastTickNanos = now;
        ticks++;
        tick.accept(now);
        update();
    }

    /** No more ticks. */
    void stop() {
        stopped = true;
        if (armed != null) {
            armed.cancel(false);
            armed = null;
        }
    }

    /** Ticks run so far: how often the timers woke the loop. */
    long ticks() {
        return ticks;
    }
}

package io.pilot.spring.capability;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches how long methods that run on the event loop ({@code eventLoop = true}) hold it: one that held it longer
 * than {@value #WARN_MILLIS} ms is logged at WARN, since every request, reply and acknowledgement of the agent
 * waited that long, at most once a minute per method. A method's first run is left out: its classes load and its
 * JSON mapping is built then, which is not what it costs afterwards.
 */
final class LoopHolds {

    private static final Logger log = LoggerFactory.getLogger(LoopHolds.class);

    static final long WARN_MILLIS = 10;
    private static final long WARN_NANOS = TimeUnit.MILLISECONDS.toNanos(WARN_MILLIS);
    private static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Per method: when it was last warned about, or {@link Long#MIN_VALUE} once it has run. */
    private final Map<String, Long> warned = new ConcurrentHashMap<>();

    /** {@code origin} ({@code bean.method}) ran on the event loop from {@code startNanos} until now. */
    void ran(String origin, long startNanos) {
        long now = System.nanoTime();
        long held = now - startNanos;
        Long last = warned.putIfAbsent(origin, Long.MIN_VALUE);
        if (last == null || held < WARN_NANOS) {
            return;
        }
        if (last != Long.MIN_VALUE && now - last < QUIET_NANOS) {
            return;
        }
        warned.put(origin, now);
        log.warn("{} held the event loop {} ms: every request, reply and acknowledgement of this agent waited that long. "
                + "A method that can take this long belongs on the handler executor: leave eventLoop off "
                + "(logged at most once a minute)", origin, TimeUnit.NANOSECONDS.toMillis(held));
    }
}

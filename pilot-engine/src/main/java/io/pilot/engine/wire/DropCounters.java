package io.pilot.engine.wire;


import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counts dropped datagrams by reason; written on the event loop, read from anywhere. */
public final class DropCounters {

    private final EnumMap<DropReason, LongAdder> counts = new EnumMap<>(DropReason.class);

    public DropCounters() {
        for (DropReason reason : DropReason.values()) {
            counts.put(reason, new LongAdder());
        }
    }

    public void count(DropReason reason) {
        counts.get(reason).increment();
    }

    public long get(DropReason reason) {
        return counts.get(reason).sum();
    }

    /** The non-zero counts. */
    public Map<DropReason, Long> snapshot() {
        EnumMap<DropReason, Long> snapshot = new EnumMap<>(DropReason.class);
        counts.forEach((reason, count) -> {
            long value = count.sum();
            if (value > 0) {
                snapshot.put(reason, value);
            }
        });
        return snapshot;
    }
}

package io.pilot.engine.backbone;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * When the {@link Registry} next looks at each record it keeps a lease for: slots of a fixed width in time, each
 * holding the records that would lapse within it. A sweep takes only the slots that have ended, so it costs the
 * records due then, not every record held (a walk over 100,000 records took 6 ms with the directory's lock held,
 * ten times a lease). A heartbeat moves nothing here: it only sets the record's lease, and a record whose slot
 * comes due with its lease moved on is filed again at its new time, so each live record is looked at about once
 * per lease however often it heartbeats. A record replaced or removed meanwhile stays in its slot until then and
 * is dropped by the caller (it is no longer the one held). Not thread-safe: the registry calls it under its lock.
 */
final class LeaseWheel {

    private final long slotMillis;
    private final TreeMap<Long, List<HeldRecord>> slots = new TreeMap<>();
    private int filed;

    /** @param slotMillis the width of a slot: a record is looked at up to this long after it lapses, plus the sweep's own period */
    LeaseWheel(long slotMillis) {
        if (slotMillis < 1) {
            throw new IllegalArgumentException("a slot is at least 1 ms wide, not " + slotMillis);
        }
        this.slotMillis = slotMillis;
    }

    /** Files {@code record} in the slot of the time it lapses. */
    void file(HeldRecord record) {
        file(record, record.lapsesAtMillis());
    }

    /** Files {@code record} to be looked at in the slot of {@code atMillis}. */
    void file(HeldRecord record, long atMillis) {
        slots.computeIfAbsent(Math.floorDiv(atMillis, slotMillis), slot -> new ArrayList<>()).add(record);
        filed++;
    }

    /**
     * Takes out the records of every slot that ended at or before {@code now}: each lapsed at or before {@code now}
     * unless a heartbeat moved its lease, which the caller checks.
     */
    List<HeldRecord> takeDue(long now) {
        List<HeldRecord> due = new ArrayList<>();
        while (!slots.isEmpty()) {
            Map.Entry<Long, List<HeldRecord>> first = slots.firstEntry();
            if ((first.getKey() + 1) * slotMillis > now) {
                break;
            }
            slots.pollFirstEntry();
            due.addAll(first.getValue());
        }
        filed -= due.size();
        return due;
    }

    /** Records filed, the replaced and removed ones not yet taken out included. */
    int size() {
        return filed;
    }

    void clear() {
        slots.clear();
        filed = 0;
    }
}

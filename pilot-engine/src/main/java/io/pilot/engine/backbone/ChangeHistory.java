package io.pilot.engine.backbone;


import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The backbone's most recent record changes, in revision order, so that a watch that moved here (a failover)
 * or came back (an outage) hears every change it missed rather than a difference of snapshots. Bounded by
 * count: the oldest changes are forgotten first, and a watch that last heard of a revision older than what is
 * held is told so ({@link #since} is empty) and starts again from a snapshot. Each change holds references to
 * records the replica holds anyway or held a moment ago, so its cost is a few references, plus the records
 * that have since been replaced or removed (at most {@link #capacity} of them). Not thread-safe: the
 * {@link Registry} calls it under its lock.
 */
final class ChangeHistory<R> {

    /** One record change: the record before it (null for a new node) and after it (null for a removal). */
    record Change<R>(long revision, R before, R after) {
    }

    private final int capacity;
    private final Deque<Change<R>> changes = new ArrayDeque<>();
    /** Every change after this revision is held. */
    private long complete;

    /** @param complete the revision from which on the changes will be recorded: the replica's starting point */
    ChangeHistory(int capacity, long complete) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a history holds at least one change, not " + capacity);
        }
        this.capacity = capacity;
        this.complete = complete;
    }

    int capacity() {
        return capacity;
    }

    /** Records a change; revisions must not decrease. */
    void record(long revision, R before, R after) {
        Change<R> last = changes.peekLast();
        if (last != null && revision < last.revision()) {
            throw new IllegalArgumentException("revision " + revision + " recorded after " + last.revision());
        }
        changes.addLast(new Change<>(revision, before, after));
        while (changes.size() > capacity) {
            complete = changes.removeFirst().revision();
        }
    }

    /**
     * Forgets every change: the replica was reloaded at {@code revision}, and what happened before it is
     * known only as the difference the reload made.
     */
    void restartAt(long revision) {
        changes.clear();
        complete = revision;
    }

    /**
     * The changes after {@code revision}, in order; empty if the history does not reach back that far (a change
     * after it may have been forgotten).
     */
    Optional<List<Change<R>>> since(long revision) {
        if (revision < complete) {
            return Optional.empty();
        }
        // From the newest back: a watch that resumes usually missed only the last few changes.
        List<Change<R>> after = new ArrayList<>();
        Iterator<Change<R>> newestFirst = changes.descendingIterator();
        while (newestFirst.hasNext()) {
            Change<R> change = newestFirst.next();
            if (change.revision() <= revision) {
                break;
            }
            after.add(change);
        }
        Collections.reverse(after);
        return Optional.of(after);
    }
}

package io.pilot.engine.transport;

import java.util.Arrays;

/**
 * A set of non-negative longs stored as sorted, disjoint, non-touching half-open intervals {@code [start, end)}.
 *
 * <p>Used for received packet numbers (the source of ACK ranges), for acknowledged and lost byte ranges of a send
 * stream, and for the ids of streams the peer has opened. Intervals are kept in two parallel arrays so lookups are a
 * binary search and the common case (one or a handful of intervals) costs no allocation.
 */
final class RangeSet {

    private long[] starts = new long[4];
    private long[] ends = new long[4];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    long start(int index) {
        return starts[index];
    }

    long end(int index) {
        return ends[index];
    }

    /** Index of the first interval whose end is greater than {@code x}, or {@link #size()} if there is none. */
    int indexAfter(long x) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid] > x) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    boolean contains(long x) {
        int i = indexAfter(x);
        return i < size && starts[i] <= x;
    }

    /** Adds {@code [from, to)}, merging with any interval it overlaps or touches. */
    void add(long from, long to) {
        if (from >= to) {
            return;
        }
        int i = indexAfter(from - 1); // first interval with end >= from, i.e. touching or after
        int j = i;
        while (j < size && starts[j] <= to) {
            j++;
        }
        if (i == j) {
            insertAt(i, from, to);
            return;
        }
        starts[i] = Math.min(from, starts[i]);
        ends[i] = Math.max(to, ends[j - 1]);
        removeRange(i + 1, j);
    }

    /** Removes {@code [from, to)} from the set, splitting an interval if needed. */
    void remove(long from, long to) {
        if (from >= to) {
            return;
        }
        int i = indexAfter(from);
        while (i < size && starts[i] < to) {
            long s = starts[i];
            long e = ends[i];
            if (s < from && e > to) {
                ends[i] = from;
                insertAt(i + 1, to, e);
                return;
            } else if (s < from) {
                ends[i] = from;
                i++;
            } else if (e > to) {
                starts[i] = to;
                return;
            } else {
                removeRange(i, i + 1);
            }
        }
    }

    /** Drops the lowest interval. */
    void removeFirst() {
        removeRange(0, 1);
    }

    private void insertAt(int index, long from, long to) {
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            ends = Arrays.copyOf(ends, size * 2);
        }
        System.arraycopy(starts, index, starts, index + 1, size - index);
        System.arraycopy(ends, index, ends, index + 1, size - index);
        starts[index] = from;
        ends[index] = to;
        size++;
    }

    private void removeRange(int from, int to) {
        int n = to - from;
        if (n <= 0) {
            return;
        }
        System.arraycopy(starts, to, starts, from, size - to);
        System.arraycopy(ends, to, ends, from, size - to);
        size -= n;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            sb.append(i == 0 ? "" : ", ").append(starts[i]).append("..").append(ends[i]);
        }
        return sb.append(']').toString();
    }
}

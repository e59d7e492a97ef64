package io.pilot.engine.backbone;

import io.pilot.engine.address.PilotAddress;

import java.util.AbstractCollection;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A set of addresses that keeps the order they were added in, in two arrays instead of a {@code LinkedHashSet}'s
 * linked entry per member (48 bytes; here about 12 to 24): the addresses in order, with a hole where one was
 * removed, and an open-addressed table of their positions. Holes are squeezed out when they are half the array.
 * The holders of a name many records share ({@link NameIndex}): a group of 100,000 members. Not thread-safe.
 */
final class OrderedAddresses extends AbstractCollection<PilotAddress> {

    private static final int EMPTY = 0;
    private static final int REMOVED = -1;

    /** In the order added; null where one was removed. */
    private PilotAddress[] items = new PilotAddress[4];
    /** Used length of {@code items}, holes included. */
    private int end;
    private int live;
    /** Position in {@code items} plus one, {@link #EMPTY} or {@link #REMOVED}; a power of two long, at most half used. */
    private int[] slots = new int[8];
    private int usedSlots;

    @Override
    public boolean add(PilotAddress address) {
        if (slotOf(address) >= 0) {
            return false;
        }
        if (end == items.length || (usedSlots + 1) * 2 > slots.length) {
            rebuild(Math.max(4, (live + 1) * 2));
        }
        items[end] = address;
        place(address, end);
        end++;
        live++;
        return true;
    }

    @Override
    public boolean remove(Object o) {
        if (!(o instanceof PilotAddress address)) {
            return false;
        }
        int slot = slotOf(address);
        if (slot < 0) {
            return false;
        }
        items[slots[slot] - 1] = null;
        slots[slot] = REMOVED;
        live--;
        if (live * 2 < end && end > 8) {
            rebuild(Math.max(4, live * 2));
        }
        return true;
    }

    @Override
    public boolean contains(Object o) {
        return o instanceof PilotAddress address && slotOf(address) >= 0;
    }

    @Override
    public int size() {
        return live;
    }

    @Override
    public Iterator<PilotAddress> iterator() {
        return new Iterator<>() {
            private int next = skipHoles(0);

            @Override
            public boolean hasNext() {
                return next < end;
            }

            @Override
            public PilotAddress next() {
                if (next >= end) {
                    throw new NoSuchElementException();
                }
                PilotAddress item = items[next];
                next = skipHoles(next + 1);
                return item;
            }
        };
    }

    private int skipHoles(int from) {
        int i = from;
        while (i < end && items[i] == null) {
            i++;
        }
        return i;
    }

    /** The slot holding {@code address}'s position, or -1. */
    private int slotOf(PilotAddress address) {
        int mask = slots.length - 1;
        for (int slot = spread(address.hashCode()) & mask; ; slot = (slot + 1) & mask) {
            int held = slots[slot];
            if (held == EMPTY) {
                return -1;
            }
            if (held != REMOVED && items[held - 1].equals(address)) {
                return slot;
            }
        }
    }

    private void place(PilotAddress address, int position) {
        int mask = slots.length - 1;
        int slot = spread(address.hashCode()) & mask;
        while (slots[slot] != EMPTY && slots[slot] != REMOVED) {
            slot = (slot + 1) & mask;
        }
        if (slots[slot] == EMPTY) {
            usedSlots++;
        }
        slots[slot] = position + 1;
    }

    /** Squeezes the holes out into an array of {@code capacity} and places every address again. */
    private void rebuild(int capacity) {
        PilotAddress[] kept = new PilotAddress[capacity];
        int n = 0;
        for (int i = 0; i < end; i++) {
            if (items[i] != null) {
                kept[n++] = items[i];
            }
        }
        items = kept;
        end = n;
        slots = new int[Math.max(8, Integer.highestOneBit(Math.max(1, capacity)) * 2)];
        usedSlots = 0;
        for (int i = 0; i < n; i++) {
            place(items[i], i);
        }
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }
}

package io.pilot.engine.message;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A message's headers: an immutable map of a few names to values, kept as one array of names and values in the order
 * each name was first set. A call sets and reads a handful of them several times on its way (the caller's content
 * type, its trace context, the engine's correlation id and deadline; then the provider's reads). A hash map copied
 * at each step took about 0.9 µs for a call's three copies, arrays about 0.35 (a loop of them, one thread, warm),
 * and a scan of a few names reads faster than hashing them. Names are compared by their
 * cached hash first, so that even the most headers a frame may carry ({@link Message#MAX_HEADERS}, each name up to
 * {@link Message#MAX_HEADER_NAME} bytes) cost a few thousand integer comparisons to read, not a string comparison each.
 *
 * <p>Checking names and values is {@link Message}'s job; this map holds what it is given.
 */
final class HeaderMap extends AbstractMap<String, String> {

    static final HeaderMap EMPTY = new HeaderMap(new String[0], 0);

    /** Name, value, name, value...; entries from {@code size} on are unused. */
    private final String[] pairs;
    private final int size;

    private HeaderMap(String[] pairs, int size) {
        this.pairs = pairs;
        this.size = size;
    }

    /** This map with {@code name} set: a name already here keeps its place, with the new value. */
    HeaderMap with(String name, String value) {
        int at = indexOf(pairs, size, name);
        if (at >= 0) {
            String[] next = pairs.clone();
            next[2 * at + 1] = value;
            return new HeaderMap(next, size);
        }
        String[] next = Arrays.copyOf(pairs, 2 * (size + 1));
        next[2 * size] = name;
        next[2 * size + 1] = value;
        return new HeaderMap(next, size + 1);
    }

    /** This map with every entry of {@code more} set, as {@link #with(String, String)} sets one. */
    HeaderMap withAll(Map<String, String> more) {
        String[] next = Arrays.copyOf(pairs, 2 * (size + more.size()));
        int count = size;
        for (Map.Entry<String, String> entry : more.entrySet()) {
            int at = indexOf(next, count, entry.getKey());
            if (at < 0) {
                at = count++;
                next[2 * at] = entry.getKey();
            }
            next[2 * at + 1] = entry.getValue();
        }
        return new HeaderMap(next, count);
    }

    private static int indexOf(String[] pairs, int size, Object name) {
        if (!(name instanceof String wanted)) {
            return -1;
        }
        int hash = wanted.hashCode();
        for (int i = 0; i < size; i++) {
            String held = pairs[2 * i];
            if (held.hashCode() == hash && held.equals(wanted)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String get(Object name) {
        int at = indexOf(pairs, size, name);
        return at < 0 ? null : pairs[2 * at + 1];
    }

    @Override
    public boolean containsKey(Object name) {
        return indexOf(pairs, size, name) >= 0;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super String> action) {
        for (int i = 0; i < size; i++) {
            action.accept(pairs[2 * i], pairs[2 * i + 1]);
        }
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Map.Entry<String, String> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int at = next++;
                        return Map.entry(pairs[2 * at], pairs[2 * at + 1]);
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /**
     * Collects a frame's headers as its decoder reads them, in order; a name read twice is refused ({@link #add}), and
     * the decoder fails the frame.
     */
    static final class Builder {

        private final String[] pairs;
        private int size;

        /** @param expected the count the frame announced: at most that many names are put */
        Builder(int expected) {
            this.pairs = new String[2 * expected];
        }

        /** Adds a header; false, and nothing changed, if the name is there already. */
        boolean add(String name, String value) {
            if (indexOf(pairs, size, name) >= 0) {
                return false;
            }
            pairs[2 * size] = name;
            pairs[2 * size + 1] = value;
            size++;
            return true;
        }

        HeaderMap build() {
            return size == 0 ? EMPTY : new HeaderMap(pairs, size);
        }
    }
}

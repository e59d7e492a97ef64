package io.pilot.engine.backbone;

import io.pilot.engine.address.PilotAddress;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The addresses of the records that name a capability or a group, by name, in the order they were added. Most
 * capability names are held by one node, so a name held once keeps that one address and no set (a set of one
 * cost about 190 bytes); a set is made for the second holder and dropped with the last. The index also gives
 * the instance of each name it holds ({@link #canonical}), so that records naming it share that one string.
 * Not thread-safe: the {@link Registry} calls it under its lock.
 */
final class NameIndex {

    private static final class Holders {
        final String name;
        /** {@code name} alone, the names of every record that names only it (most records name one group). */
        final String[] alone;
        PilotAddress one;
        Set<PilotAddress> many;

        Holders(String name) {
            this.name = name;
            this.alone = new String[] {name};
        }
    }

    private static final String[] NONE = new String[0];

    private final Map<String, Holders> byName = new HashMap<>();

    /** The instance of {@code name} this index holds, or {@code name} itself if it holds none. */
    String canonical(String name) {
        Holders holders = byName.get(name);
        return holders == null ? name : holders.name;
    }

    /**
     * The names of a record as this index holds them: each name its instance here, and a record naming one name
     * alone shares the one-element array of every other record that does. A name new to the index is filed with
     * no holder until {@link #add}; call this only for a record that is indexed next. The array is shared: never
     * change it.
     */
    String[] names(String[] names) {
        if (names.length == 0) {
            return NONE;
        }
        if (names.length == 1) {
            return byName.computeIfAbsent(names[0], Holders::new).alone;
        }
        for (int i = 0; i < names.length; i++) {
            names[i] = canonical(names[i]);
        }
        return names;
    }

    void add(String name, PilotAddress address) {
        Holders holders = byName.computeIfAbsent(name, Holders::new);
        if (holders.many != null) {
            holders.many.add(address);
        } else if (holders.one == null || holders.one.equals(address)) {
            holders.one = address;
        } else {
            holders.many = new LinkedHashSet<>();
            holders.many.add(holders.one);
            holders.many.add(address);
            holders.one = null;
        }
    }

    void remove(String name, PilotAddress address) {
        Holders holders = byName.get(name);
        if (holders == null) {
            return;
        }
        if (holders.many != null) {
            holders.many.remove(address);
            if (holders.many.isEmpty()) {
                byName.remove(name);
            }
        } else if (holders.one == null || address.equals(holders.one)) {
            byName.remove(name); // its last holder, or none: filed by names() for a record that never came
        }
    }

    /** The addresses holding {@code name}, a live view: copy it before changing the index. */
    Collection<PilotAddress> get(String name) {
        Holders holders = byName.get(name);
        if (holders == null || holders.one == null && holders.many == null) {
            return List.of();
        }
        return holders.many != null ? holders.many : List.of(holders.one);
    }

    boolean contains(String name) {
        return !get(name).isEmpty();
    }

    /** How many addresses hold each name that any address holds. */
    Map<String, Integer> counts() {
        Map<String, Integer> counts = new HashMap<>();
        byName.forEach((name, holders) -> {
            int held = holders.many != null ? holders.many.size() : holders.one != null ? 1 : 0;
            if (held > 0) {
                counts.put(name, held);
            }
        });
        return counts;
    }
}

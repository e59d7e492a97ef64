package io.pilot.engine.backbone;

import io.pilot.engine.address.PilotAddress;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The addresses of the records that name a capability or a group, by name, in the order they were added. Most
 * capability names are held by one node, so a name held once maps straight to that one address (a set of one cost
 * about 190 bytes, a holder object and its one-name array another 56); a set ({@link OrderedAddresses}) is made
 * for the second holder and dropped again when one is left. The index also gives the instance of each name two or more records hold
 * ({@link #canonical}), so that records naming it share that one string. Not thread-safe: the {@link Registry}
 * calls it under its locks.
 */
final class NameIndex {

    /** The holders of a name held by two or more records, and the instance of the name they share. */
    private static final class Holders {
        final String name;
        final OrderedAddresses addresses = new OrderedAddresses();

        Holders(String name) {
            this.name = name;
        }
    }

    private static final String[] NONE = new String[0];

    /** A name's one holder (a {@link PilotAddress}, the key being its record's own instance), or its {@link Holders}. */
    private final Map<String, Object> byName = new HashMap<>();

    /** The instance of {@code name} the records holding it share, or {@code name} itself if none is shared. */
    String canonical(String name) {
        return byName.get(name) instanceof Holders holders ? holders.name : name;
    }

    /**
     * The names of a record as this index holds them: a name alone as itself (a {@link String}), several as an
     * array ({@code String[]}, none an empty one), each name its shared instance here if it has one.
     */
    Object names(String[] names) {
        if (names.length == 0) {
            return NONE;
        }
        for (int i = 0; i < names.length; i++) {
            names[i] = canonical(names[i]);
        }
        return names.length == 1 ? names[0] : names;
    }

    void add(String name, PilotAddress address) {
        Object held = byName.get(name);
        if (held == null) {
            byName.put(name, address);
        } else if (held instanceof Holders holders) {
            holders.addresses.add(address);
        } else if (!held.equals(address)) {
            Holders holders = new Holders(name);
            holders.addresses.add((PilotAddress) held);
            holders.addresses.add(address);
            byName.put(name, holders);
        }
    }

    void remove(String name, PilotAddress address) {
        Object held = byName.get(name);
        if (held instanceof Holders holders) {
            holders.addresses.remove(address);
            if (holders.addresses.size() == 1) {
                byName.put(name, holders.addresses.iterator().next());
            }
        } else if (address.equals(held)) {
            byName.remove(name);
        }
    }

    /** The addresses holding {@code name}, a live view: copy it before changing the index. */
    Collection<PilotAddress> get(String name) {
        Object held = byName.get(name);
        if (held == null) {
            return List.of();
        }
        return held instanceof Holders holders ? holders.addresses : List.of((PilotAddress) held);
    }

    boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** How many addresses hold each name that any address holds. */
    Map<String, Integer> counts() {
        Map<String, Integer> counts = new HashMap<>();
        byName.forEach((name, held) -> counts.put(name, held instanceof Holders holders ? holders.addresses.size() : 1));
        return counts;
    }
}

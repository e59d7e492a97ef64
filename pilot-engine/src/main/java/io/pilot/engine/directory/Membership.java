package io.pilot.engine.directory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The groups a node publishes in its record and the credentials it presents for them. One immutable value,
 * so that a registration signs the groups and sends the credentials of the same moment while
 * {@link DirectoryClient#joinGroup} and {@link DirectoryClient#leaveGroup} replace it.
 *
 * <p>Credentials are kept after admission because a node whose lease lapsed registers as new, and the
 * backbone then admits it to every group again.
 */
record Membership(SortedSet<String> groups, Map<String, byte[]> credentials) {

    Membership {
        groups = Collections.unmodifiableSortedSet(new TreeSet<>(groups));
        credentials = Collections.unmodifiableMap(new LinkedHashMap<>(credentials));
    }

    /** With {@code group} added, and its credential (null: none, an open group). */
    Membership with(String group, byte[] credential) {
        SortedSet<String> more = new TreeSet<>(groups);
        more.add(Names.checkGroup(group));
        Map<String, byte[]> presented = new LinkedHashMap<>(credentials);
        if (credential != null) {
            presented.put(group, credential.clone());
        }
        return new Membership(more, presented);
    }

    /** With {@code group} and its credential removed. */
    Membership without(String group) {
        SortedSet<String> fewer = new TreeSet<>(groups);
        fewer.remove(group);
        Map<String, byte[]> presented = new LinkedHashMap<>(credentials);
        presented.remove(group);
        return new Membership(fewer, presented);
    }
}

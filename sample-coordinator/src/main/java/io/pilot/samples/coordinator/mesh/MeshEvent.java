package io.pilot.samples.coordinator.mesh;

import java.util.List;

/**
 * A call or broadcast this coordinator made, for the page to pulse along the edges it passed.
 *
 * @param seq its number, increasing, so the page asks only for what it has not seen
 * @param atMillis when it finished (epoch ms)
 * @param kind {@code call} or {@code broadcast}
 * @param name the capability called, or the group told
 * @param from the caller's Pilot address (this coordinator)
 * @param to the addresses it reached: the provider that answered, or the members a broadcast was delivered to
 * @param path {@code direct}, {@code relayed}, … as the call saw it; null for a broadcast
 * @param ok whether it succeeded (a broadcast: reached every member)
 */
public record MeshEvent(long seq, long atMillis, String kind, String name, String from, List<String> to, String path,
        boolean ok) {
}

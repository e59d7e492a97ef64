package io.pilot.samples.coordinator.mesh;

import java.util.List;

/**
 * The mesh as the page draws it.
 *
 * @param self this coordinator's address
 * @param nodes the agents of the group (and the embedded backbone)
 * @param edges the tunnels between them that this process sees
 */
public record Topology(String self, List<Node> nodes, List<Edge> edges) {

    /**
     * An agent.
     *
     * @param address its Pilot address
     * @param hostname its hostname
     * @param role {@code coordinator} (this one), {@code backbone} or {@code agent}
     * @param capabilities what it offers
     * @param groups the groups it is in
     */
    public record Node(String address, String hostname, String role, List<String> capabilities, List<String> groups) {
    }

    /**
     * A tunnel, as the node at {@code source} sees it.
     *
     * @param source the address of the node that reported it
     * @param target the address of the peer
     * @param path {@code direct}, {@code relayed} or {@code relayed over TCP} (or {@code direct over TCP})
     * @param rttMicros the smoothed round-trip time, or null before a sample
     * @param bytesIn bytes the source received from the target
     * @param bytesOut bytes the source sent to the target
     */
    public record Edge(String source, String target, String path, Long rttMicros, long bytesIn, long bytesOut) {
    }
}

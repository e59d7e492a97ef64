package io.pilot.engine.control;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.directory.CapabilityInfo;
import io.pilot.engine.directory.Endpoint;
import io.pilot.engine.directory.NodeRecord;
import java.util.Locale;

import java.net.InetSocketAddress;
import java.util.Collection;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the node's records and peers look in answers: one place, so that {@code info}, {@code find},
 * {@code peers} and {@code broadcast} show the same thing the same way and the CLI parses one shape.
 */
final class Views {

    private Views() {
    }

    /** {@code host:port} as {@link HostPort#format} writes it ({@code [2001:db8::1]:7400}), or null. */
    static String endpoint(InetSocketAddress endpoint) {
        return HostPort.format(endpoint);
    }

    static ObjectNode record(NodeRecord record) {
        ObjectNode node = Json.object().put("hostname", record.hostname()).put("address", record.address().toString())
                .put("key", record.key().toString());
        node.set("capabilities", capabilities(record.capabilities()));
        node.set("groups", strings(record.groups()));
        ArrayNode endpoints = node.putArray("endpoints");
        for (Endpoint endpoint : record.endpoints()) {
            endpoints.addObject().put("kind", endpoint.kind().name().toLowerCase(Locale.ROOT))
                    .put("endpoint", endpoint(endpoint.address()));
        }
        return node;
    }

    static ArrayNode records(Collection<NodeRecord> records) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        records.forEach(r -> array.add(record(r)));
        return array;
    }

    static ArrayNode capabilities(Collection<CapabilityInfo> capabilities) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        capabilities.forEach(c -> array.add(c.name()));
        return array;
    }

    static ArrayNode strings(Collection<String> values) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    /**
     * A peer, with its hostname when the directory has told it ({@code null} otherwise), and whether it is the
     * backbone this node is attached to.
     */
    static ObjectNode peer(PeerInfo peer, String hostname, boolean backbone) {
        ObjectNode node = Json.object().put("address", peer.address().toString()).put("hostname", hostname)
                .put("backbone", backbone)
                .put("endpoint", endpoint(peer.endpoint())).put("established", peer.established())
                .put("path", peer.relayed() ? "relayed" : "direct").put("pathReason", peer.pathReason())
                .put("bearer", peer.bearer());
        // rttMicros is what a loopback or LAN RTT reads well in; rttMillis stays for readers written before it.
        if (peer.smoothedRtt() != null) {
            long nanos = peer.smoothedRtt().toNanos();
            node.put("rttMicros", nanos / 1_000).put("rttMillis", nanos / 1_000_000.0);
        } else {
            node.putNull("rttMicros").putNull("rttMillis");
        }
        return node.put("bytesIn", peer.bytesIn()).put("bytesOut", peer.bytesOut());
    }
}

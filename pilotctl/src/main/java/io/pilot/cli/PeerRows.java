package io.pilot.cli;

import tools.jackson.databind.JsonNode;

/** How {@code peers} and {@code top} name a peer and its path, the same way in both. */
final class PeerRows {

    private PeerRows() {
    }

    /** {@code backbone} for the backbone the node is attached to, else its hostname, or "-" if the directory has none. */
    static String name(JsonNode peer) {
        return peer.path("backbone").asBoolean(false) ? "backbone" : peer.path("hostname").asString("-");
    }

    /** {@code direct}, {@code relayed}, or either with {@code /tcp} when the datagrams go over a WebSocket. */
    static String path(JsonNode peer) {
        // "relayed/tcp": the datagrams go over a WebSocket (docs/reach.md); --json has the reason
        return peer.path("path").asString() + ("tcp".equals(peer.path("bearer").asString("udp")) ? "/tcp" : "");
    }
}

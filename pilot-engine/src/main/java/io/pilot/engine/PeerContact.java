package io.pilot.engine;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.NodeKey;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * How to reach a node: its key and every UDP endpoint it may answer at (local, reflexive...). The
 * handshake goes to all endpoints at once and must come back from exactly this key.
 */
public record PeerContact(NodeKey key, List<InetSocketAddress> endpoints) {

    public PeerContact {
        Objects.requireNonNull(key, "key");
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("a contact needs at least one endpoint");
        }
    }

    public PilotAddress address(int realm) {
        return key.address(realm);
    }
}

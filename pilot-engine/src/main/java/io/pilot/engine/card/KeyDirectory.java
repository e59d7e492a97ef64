package io.pilot.engine.card;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.NodeKey;

/** Where a verifier learns a node's key: the directory, as its caller reaches it (a client, a control socket). */
@FunctionalInterface
public interface KeyDirectory {

    /** The live node called {@code hostname}; throws {@link CardException} saying why when there is none. */
    Listing lookup(String hostname);

    /** A node as the directory lists it. */
    record Listing(String hostname, PilotAddress address, NodeKey key) {
    }
}

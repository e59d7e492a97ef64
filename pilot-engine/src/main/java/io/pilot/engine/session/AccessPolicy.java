package io.pilot.engine.session;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.NodeKey;

/**
 * Which authenticated peers may hold a session with this node. Enforced at the tunnel, on both sides of
 * every handshake, after the peer's key has been proven and before any data flows.
 */
@FunctionalInterface
public interface AccessPolicy {

    /** Any authenticated node of the same realm (the realm is checked before the policy is asked). */
    AccessPolicy REALM_MEMBERS = (key, address) -> true;

    boolean allows(NodeKey key, PilotAddress address);
}

package io.pilot.engine.group;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.session.AccessPolicy;

import java.util.Collection;
import java.util.Set;

/**
 * Ready-made {@link AccessPolicy access policies}. A policy is asked on the node's network thread for every
 * handshake, on both sides, once the peer's key is proven: each of these answers from memory and never
 * blocks. A refused peer gets no session at all, so none of its messages reach a handler.
 *
 * <p>A node that uses a backbone must let the backbone in, or it cannot register: {@link #sharedGroup()}
 * does so by itself; with an allow list, list the backbone's key.
 */
public final class AccessPolicies {

    private AccessPolicies() {
    }

    /** Any authenticated node of the realm: the engine's default. */
    public static AccessPolicy realmMembers() {
        return AccessPolicy.REALM_MEMBERS;
    }

    /** Only nodes holding one of these keys. The collection is copied: later changes to it do not count. */
    public static AccessPolicy allowKeys(Collection<NodeKey> keys) {
        Set<NodeKey> allowed = Set.copyOf(keys);
        return (key, address) -> allowed.contains(key);
    }

    /**
     * Only nodes at one of these addresses. The collection is copied: later changes to it do not count.
     *
     * <p><b>Weaker than {@link #allowKeys}.</b> An address is 48 bits of a hash of its key, so a key that maps
     * to a listed address can be ground (about 2^48 key generations: costly, but within reach of a determined
     * attacker), and this policy lets its holder in. A pinned key (a session already made with the genuine node)
     * still refuses the impostor, but pins live in memory only. Prefer {@link #allowKeys}.
     */
    public static AccessPolicy allowAddresses(Collection<PilotAddress> addresses) {
        Set<PilotAddress> allowed = Set.copyOf(addresses);
        return (key, address) -> allowed.contains(address);
    }

    /**
     * Only nodes that share a group with this one (and the backbone). Refuses everyone but the backbone
     * until {@link SharedGroupPolicy#bind bound} to the node's directory client; see {@link SharedGroupPolicy}
     * for how to wire it and what it costs.
     */
    public static SharedGroupPolicy sharedGroup() {
        return new SharedGroupPolicy();
    }
}

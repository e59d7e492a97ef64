package io.pilot.engine.session;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.wire.DropReason;

import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the identity a peer proved in its handshake is acceptable, once the Noise message authenticated:
 * a well-formed payload, a signature binding the node key to the Noise static key within this very
 * handshake, this node's realm, the key (and so the address) expected, and the access policy. The peer's address is computed from the proven
 * key, never taken from the wire. Counts each refusal with its drop reason.
 */
final class ProofCheck {

    private static final Logger log = LoggerFactory.getLogger(ProofCheck.class);

    private final int realm;
    private final AccessPolicy accessPolicy;
    private final DropCounters drops;
    private final Function<PilotAddress, NodeKey> keysMet;

    ProofCheck(int realm, AccessPolicy accessPolicy, DropCounters drops) {
        this(realm, accessPolicy, drops, address -> null);
    }

    /**
     * @param keysMet the key already held for an address (a peer met before), or null: a proof naming it is
     *                verified against it without checking the key again, as on a rekey with a known peer
     */
    ProofCheck(int realm, AccessPolicy accessPolicy, DropCounters drops, Function<PilotAddress, NodeKey> keysMet) {
        this.realm = realm;
        this.accessPolicy = accessPolicy;
        this.drops = drops;
        this.keysMet = keysMet;
    }

    /**
     * Checks the peer's handshake payload against the static key it proved within this handshake and, for a
     * handshake this node started with a known peer, against {@code expected}.
     *
     * @param handshakeHash the handshake hash just before the payload was decrypted: what the proof signs
     * @param expected the peer this node meant to reach, or null when the peer is not known in advance
     * @throws Refused counted already, with the reason in words
     */
    HandshakePayload check(byte[] payload, byte[] remoteStatic, byte[] handshakeHash, Peer expected) {
        HandshakePayload.Received received;
        IdentityProof remote;
        try {
            received = HandshakePayload.decode(payload);
            // A key this node expects or met before was checked when it became known: not checked again.
            NodeKey known = expected != null && expected.key != null ? expected.key
                    : keysMet.apply(NodeKey.addressOf(received.proof().key(), realm));
            remote = received.proof().verify(remoteStatic, handshakeHash, known);
        } catch (IllegalArgumentException e) {
            return refuse(DropReason.HANDSHAKE_FAILED, "malformed handshake payload: " + e.getMessage());
        }
        if (remote == null) {
            return refuse(DropReason.BAD_IDENTITY_SIGNATURE,
                    "the identity signature does not verify for this static key and handshake");
        }
        if (remote.realm() != realm) {
            return refuse(DropReason.WRONG_REALM, "peer is in realm " + remote.realm() + ", this node in " + realm);
        }
        PilotAddress address = remote.nodeKey().address(realm);
        if (expected != null && expected.address != null) {
            if (expected.key != null && !expected.key.equals(remote.nodeKey())) {
                return refuse(DropReason.UNEXPECTED_KEY, "peer presented key " + remote.nodeKey() + ", expected "
                        + expected.key);
            }
            if (!address.equals(expected.address)) {
                return refuse(DropReason.UNEXPECTED_KEY, "peer's key belongs to address " + address
                        + ", expected " + expected.address);
            }
        }
        if (!accessPolicy.allows(remote.nodeKey(), address)) {
            return refuse(DropReason.NOT_ALLOWED, "access policy refuses " + address);
        }
        return received.verified(remote);
    }

    private HandshakePayload refuse(DropReason reason, String why) {
        drops.count(reason);
        log.debug("handshake refused: {}", why);
        throw new Refused(why);
    }

    /** A handshake refused after its Noise part succeeded: the peer's identity is not acceptable. */
    static final class Refused extends RuntimeException {
        Refused(String why) {
            super(why, null, false, false);
        }
    }
}

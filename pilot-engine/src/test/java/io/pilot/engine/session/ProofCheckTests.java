package io.pilot.engine.session;

import io.pilot.engine.crypto.X25519KeyPair;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.wire.DropReason;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProofCheckTests {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int REALM = 3;

    private final Identity peer = Identity.generate(RANDOM);
    private final X25519KeyPair peerStatic = X25519KeyPair.generate(RANDOM);
    private final DropCounters drops = new DropCounters();
    private final ProofCheck check = new ProofCheck(REALM, AccessPolicy.REALM_MEMBERS, drops);
    /** The handshake hash at the point the proof is encrypted: what it signs besides the static key. */
    private final byte[] handshake = randomHash();

    private static byte[] randomHash() {
        byte[] hash = new byte[32];
        RANDOM.nextBytes(hash);
        return hash;
    }

    private byte[] payload(int realm, boolean fresh) {
        return HandshakePayload.encode(IdentityProof.create(peer, realm, 99, peerStatic.publicKey(), handshake).encode(), fresh, 0);
    }

    private void assertRefused(ProofCheck with, byte[] payload, byte[] remoteStatic, Peer expected, DropReason reason) {
        assertRefused(with, payload, remoteStatic, handshake, expected, reason);
    }

    private void assertRefused(ProofCheck with, byte[] payload, byte[] remoteStatic, byte[] hash, Peer expected,
            DropReason reason) {
        assertThatThrownBy(() -> with.check(payload, remoteStatic, hash, expected)).isInstanceOf(ProofCheck.Refused.class);
        assertThat(drops.get(reason)).isOne();
    }

    @Test
    void acceptsAProofOfThisRealmBoundToTheProvenStaticKey() {
        HandshakePayload accepted = check.check(payload(REALM, true), peerStatic.publicKey(), handshake, null);

        assertThat(accepted.proof().nodeKey()).isEqualTo(peer.publicKey());
        assertThat(accepted.proof().bootId()).isEqualTo(99);
        assertThat(accepted.freshConnection()).isTrue();
        assertThat(drops.snapshot().values()).allMatch(count -> count == 0);
    }

    @Test
    void refusesAConnectionNumberWithNoRoomToGrowSoTheResponderCanAlwaysNameTheNextOne() {
        byte[] proof = IdentityProof.create(peer, REALM, 99, peerStatic.publicKey(), handshake).encode();

        assertThat(check.check(HandshakePayload.encode(proof, true, ConnectionNumbers.LIMIT - 1), peerStatic.publicKey(),
                handshake, null).connectionNumber()).isEqualTo(ConnectionNumbers.LIMIT - 1);
        assertRefused(check, HandshakePayload.encode(proof, true, ConnectionNumbers.MAX), peerStatic.publicKey(), null,
                DropReason.HANDSHAKE_FAILED);
    }

    @Test
    void refusesAMalformedPayload() {
        assertRefused(check, new byte[5], peerStatic.publicKey(), null, DropReason.HANDSHAKE_FAILED);
    }

    @Test
    void refusesAProofSignedForAnotherStaticKey() {
        byte[] otherStatic = X25519KeyPair.generate(RANDOM).publicKey();
        assertRefused(check, payload(REALM, false), otherStatic, null, DropReason.BAD_IDENTITY_SIGNATURE);
    }

    @Test
    void refusesAProofMadeInAnotherHandshakeEvenForTheSameStaticKey() {
        assertRefused(check, payload(REALM, false), peerStatic.publicKey(), randomHash(), null,
                DropReason.BAD_IDENTITY_SIGNATURE);
    }

    @Test
    void refusesAnotherRealm() {
        assertRefused(check, payload(REALM + 1, false), peerStatic.publicKey(), null, DropReason.WRONG_REALM);
    }

    @Test
    void refusesAKeyOtherThanTheOneExpected() {
        Identity someoneElse = Identity.generate(RANDOM);
        Peer expected = new Peer(someoneElse.publicKey().address(REALM), someoneElse.publicKey(), null);
        assertRefused(check, payload(REALM, false), peerStatic.publicKey(), expected, DropReason.UNEXPECTED_KEY);
    }

    @Test
    void refusesWhatTheAccessPolicyRefuses() {
        ProofCheck strict = new ProofCheck(REALM, (key, address) -> false, drops);
        assertRefused(strict, payload(REALM, false), peerStatic.publicKey(), null, DropReason.NOT_ALLOWED);
    }

    @Test
    void acceptsTheExpectedPeersProofWithTheKeyItAlreadyHolds() {
        Peer expected = new Peer(peer.publicKey().address(REALM), peer.publicKey(), null);

        HandshakePayload accepted = check.check(payload(REALM, false), peerStatic.publicKey(), handshake, expected);

        assertThat(accepted.proof().nodeKey()).isSameAs(expected.key);
    }

    @Test
    void refusesTheExpectedPeersKeyWithABadSignature() {
        Peer expected = new Peer(peer.publicKey().address(REALM), peer.publicKey(), null);
        assertRefused(check, payload(REALM, false), peerStatic.publicKey(), randomHash(), expected,
                DropReason.BAD_IDENTITY_SIGNATURE);
    }

    @Test
    void refusesAProofWhoseKeyIsOfSmallOrder() {
        byte[] payload = payload(REALM, false);
        byte[] identityPoint = new byte[32]; // y = 1: the neutral element
        identityPoint[0] = 1;
        System.arraycopy(identityPoint, 0, payload, 3, 32); // version u8, realm u16, then the key
        assertRefused(check, payload, peerStatic.publicKey(), null, DropReason.HANDSHAKE_FAILED);
    }

    @Test
    void verifiesAProofByAPeerMetBeforeWithTheKeyHeldForIt() {
        ProofCheck knowing = new ProofCheck(REALM, AccessPolicy.REALM_MEMBERS, drops,
                address -> address.equals(peer.publicKey().address(REALM)) ? peer.publicKey() : null);

        HandshakePayload accepted = knowing.check(payload(REALM, false), peerStatic.publicKey(), handshake, null);

        assertThat(accepted.proof().nodeKey()).isSameAs(peer.publicKey());
        assertRefused(knowing, payload(REALM, false), peerStatic.publicKey(), randomHash(), null,
                DropReason.BAD_IDENTITY_SIGNATURE);
    }
}

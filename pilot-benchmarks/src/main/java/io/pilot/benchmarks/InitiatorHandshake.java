package io.pilot.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.pilot.engine.crypto.X25519KeyPair;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.noise.HandshakeState;
import io.pilot.engine.noise.NoiseException;
import io.pilot.engine.session.IdentityProof;
import io.pilot.engine.wire.CookieReply;
import io.pilot.engine.wire.HandshakeFinal;
import io.pilot.engine.wire.HandshakeInit;
import io.pilot.engine.wire.HandshakeResponse;
import io.pilot.engine.wire.WireFormat;

import java.security.SecureRandom;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The initiator side of a handshake of Pilot's protocol (docs/PROTOCOL.md §4), on the engine's own parts and
 * nothing more: the INIT ({@link #start}); then the responder's RESPONSE read (Noise XX, {@link HandshakeState}),
 * its identity proof checked, and the FINAL made with this peer's own signed {@link IdentityProof} and the session's
 * {@link InitiatorKeys} ({@link #finish}). One peer's identity, Noise static key and boot id serve each handshake it
 * starts, the first and every rekey. Sending, retransmitting and timing are the caller's: the two light initiators of
 * the benchmarks, {@link HandshakeInitiators} (section 3's fresh peers) and {@link LightSession} (a session with a
 * backbone), run this in place of a {@code PilotNode}'s session engine.
 *
 * <p>The responder's proof is checked as a node's {@code ProofCheck} checks the peer it set out to reach: signed, for
 * this handshake and the static key the responder proved, by the node key asked for, in this peer's realm. A
 * handshake made {@link #trustingTheResponder trusting the responder} only reads the node key the proof names: a
 * {@link LightSession} is given the backbone's address, not its key, and leaves its generator's CPU to the load.
 *
 * <p>Not thread-safe.
 */
final class InitiatorHandshake {

    /** Bit 0 of the handshake payload's flags (docs/PROTOCOL.md §4.2): this handshake starts a new connection. */
    private static final int FRESH_CONNECTION = 1;
    /** The handshake payload: the identity proof, the flags byte, then the connection number the initiator states (u48). */
    private static final int PAYLOAD_LENGTH = IdentityProof.LENGTH + 1 + 6;

    private final Identity identity;
    private final int realm;
    /** The node key the responder must prove it is; null when its proof is taken on trust. */
    private final NodeKey expectedResponder;
    private final SecureRandom random;
    private final X25519KeyPair noiseStatic;
    private final long bootId;
    /** The handshake under way; null before the first, and once answered. */
    private HandshakeState noise;
    private int localIndex;
    /** The handshake's first Noise message, which an INIT carrying a cookie repeats. */
    private byte[] firstMessage;
    /** The cookie the INIT under way carries: all zero until a COOKIE_REPLY gave one. */
    private byte[] cookie;

    /** What a RESPONSE led to: the FINAL to send, the session's keys, and the node key the responder named. */
    record Answer(byte[] finalDatagram, InitiatorKeys keys, byte[] responderKey) {
    }

    /** The responder's answer was not a valid handshake message, or not from the node asked for. */
    static final class Refused extends Exception {

        Refused(String message) {
            super(message);
        }

        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private InitiatorHandshake(Identity identity, int realm, NodeKey expectedResponder, SecureRandom random) {
        this.identity = identity;
        this.realm = realm;
        this.expectedResponder = expectedResponder;
        this.random = random;
        this.noiseStatic = X25519KeyPair.generate(random);
        this.bootId = random.nextLong();
    }

    /**
     * Handshakes of {@code identity}, in {@code realm}, with the node whose key is {@code responderKey}: an answer is
     * accepted only if it proves to come from that node.
     */
    static InitiatorHandshake toNode(NodeKey responderKey, Identity identity, int realm, SecureRandom random) {
        if (responderKey == null) {
            throw new IllegalArgumentException("the responder's node key is required; use trustingTheResponder for none");
        }
        return new InitiatorHandshake(identity, realm, responderKey, random);
    }

    /** Handshakes of {@code identity}, in {@code realm}, with whichever node answers at the address it is sent to. */
    static InitiatorHandshake trustingTheResponder(Identity identity, int realm, SecureRandom random) {
        return new InitiatorHandshake(identity, realm, null, random);
    }

    /**
     * Starts a new handshake (the first, another after one went unanswered, or a rekey) and returns its INIT
     * datagram. A handshake still under way is given up: an answer to it is no longer {@link #answeredBy} one.
     */
    byte[] start() {
        noise = new HandshakeState(true, WireFormat.PROLOGUE, noiseStatic);
        byte[] first;
        try {
            first = noise.writeMessage(new byte[0]);
        } catch (NoiseException e) {
            throw new IllegalStateException("cannot write a first handshake message", e);
        }
        localIndex = random.nextInt();
        firstMessage = first;
        cookie = new byte[WireFormat.COOKIE_LENGTH];
        return init();
    }

    /**
     * The INIT under way again, now carrying the cookie of {@code reply} (docs/PROTOCOL.md §4.10: a responder under
     * load answers an INIT without a valid cookie with one, keeping nothing), or null when the reply does not answer
     * the handshake under way or carries the cookie already attached (a repeated reply must not make this peer repeat
     * 1,200 bytes). Same bytes otherwise, same ephemeral key: the cookie lies outside the Noise message.
     */
    byte[] withCookie(CookieReply reply) {
        if (noise == null || reply.receiverIndex() != localIndex || Arrays.equals(reply.cookie(), cookie)) {
            return null;
        }
        cookie = reply.cookie().clone();
        return init();
    }

    private byte[] init() {
        return bytes(new HandshakeInit(localIndex, firstMessage, cookie).encode(UnpooledByteBufAllocator.DEFAULT));
    }

    /** Gives up the handshake under way: an answer to it is no longer {@link #answeredBy one}. */
    void abandon() {
        noise = null;
    }

    /** Whether a handshake was started and not yet answered. */
    boolean inProgress() {
        return noise != null;
    }

    /** Whether {@code response} answers the handshake under way. */
    boolean answeredBy(HandshakeResponse response) {
        return noise != null && response.receiverIndex() == localIndex;
    }

    /**
     * Reads the RESPONSE that {@link #answeredBy answers} the handshake under way, checks the responder's proof, and
     * completes the handshake: the FINAL carries this peer's proof, {@code freshConnection} (whether it needs a new
     * transport connection) and {@code connectionNumber}, the number of the connection it holds or last held with the
     * responder (0 before any; docs/PROTOCOL.md §4.12: a peer that forgot it would pass for a crossed handshake and be
     * kept on the responder's old connection). The handshake is over either way; a repeated RESPONSE is no longer an
     * answer.
     *
     * @throws Refused if the RESPONSE is not a valid handshake message or its proof does not pass
     */
    Answer finish(HandshakeResponse response, boolean freshConnection, long connectionNumber) throws Refused {
        HandshakeState state = noise;
        noise = null;
        try {
            byte[] payload = state.readMessage(response.noiseMessage());
            if (payload.length != PAYLOAD_LENGTH) {
                throw new Refused("the responder's handshake payload is " + payload.length + " bytes, expected "
                        + PAYLOAD_LENGTH);
            }
            byte[] responderKey = responderKey(state, Arrays.copyOf(payload, IdentityProof.LENGTH));
            byte[] last = state.writeMessage(hash -> payload(hash, freshConnection, connectionNumber));
            InitiatorKeys keys = new InitiatorKeys(localIndex, response.senderIndex(), state.split());
            byte[] fin = bytes(new HandshakeFinal(response.senderIndex(), last).encode(UnpooledByteBufAllocator.DEFAULT));
            return new Answer(fin, keys, responderKey);
        } catch (NoiseException | IllegalArgumentException e) {
            throw new Refused("the responder's answer is not a valid handshake message: " + e.getMessage(), e);
        }
    }

    /**
     * The node key the responder's proof names, once it passes: read before this peer writes its FINAL, while the
     * handshake hash is still the one the responder signed.
     */
    private byte[] responderKey(HandshakeState state, byte[] encodedProof) throws Refused {
        IdentityProof.Received received = IdentityProof.decode(encodedProof);
        if (expectedResponder == null) {
            return received.key();
        }
        IdentityProof proof = received.verify(state.remoteStaticPublicKey(), state.hashBeforePayload(), expectedResponder);
        if (proof == null || proof.realm() != realm || !proof.nodeKey().equals(expectedResponder)) {
            throw new Refused("the responder did not prove it is node " + expectedResponder + " in realm " + realm);
        }
        return expectedResponder.toBytes();
    }

    /** This peer's handshake payload: its proof, signed over its static key and the handshake hash, flags, number. */
    private byte[] payload(byte[] hash, boolean freshConnection, long connectionNumber) {
        byte[] proof = IdentityProof.create(identity, realm, bootId, noiseStatic.publicKey(), hash).encode();
        byte[] payload = Arrays.copyOf(proof, PAYLOAD_LENGTH);
        payload[IdentityProof.LENGTH] = (byte) (freshConnection ? FRESH_CONNECTION : 0);
        ByteBuffer.wrap(payload, IdentityProof.LENGTH + 1, 6).putShort((short) (connectionNumber >>> 32))
                .putInt((int) connectionNumber);
        return payload;
    }

    /** The readable bytes of {@code buffer}, which is released. */
    private static byte[] bytes(ByteBuf buffer) {
        try {
            return ByteBufUtil.getBytes(buffer);
        } finally {
            buffer.release();
        }
    }
}

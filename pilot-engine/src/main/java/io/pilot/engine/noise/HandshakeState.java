package io.pilot.engine.noise;

import io.pilot.engine.crypto.X25519KeyPair;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Noise {@code HandshakeState} for exactly {@code Noise_XX_25519_AESGCM_SHA256} (Noise revision 34):
 * mutual authentication of two static X25519 keys that are not known in advance, with forward
 * secrecy from ephemeral keys.
 *
 * <pre>
 * XX:
 *   -&gt; e
 *   &lt;- e, ee, s, es
 *   -&gt; s, se
 * </pre>
 *
 * <p>The initiator writes messages 1 and 3, the responder message 2. After the third message
 * {@link #isComplete()} is true, {@link #handshakeHash()} may be used for channel binding and
 * {@link #split()} yields the transport keys.
 *
 * <p><b>Failure.</b> Every rejection by {@link #writeMessage} or {@link #readMessage} (bad tag,
 * wrong length, message out of turn, low-order DH input, oversized message) throws
 * {@link NoiseException} and permanently fails this handshake: secrets are zeroed and every later
 * call throws. Accessors used at the wrong time throw {@link IllegalStateException}.
 *
 * <p>Not thread-safe; one instance serves one handshake attempt.
 */
public final class HandshakeState {

    /** The Noise protocol name this class implements. */
    public static final String PROTOCOL_NAME = "Noise_XX_25519_AESGCM_SHA256";
    /** Maximum length of a Noise message in bytes. */
    public static final int MAX_MESSAGE_LENGTH = 65535;

    private static final int DH_LENGTH = X25519KeyPair.KEY_SIZE;
    private static final int TAG_LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum Token { E, S, EE, ES, SE }

    private static final Token[][] MESSAGES = {
        {Token.E},
        {Token.E, Token.EE, Token.S, Token.ES},
        {Token.S, Token.SE},
    };

    private final boolean initiator;
    private final X25519KeyPair localStatic;
    private final X25519KeyPair fixedEphemeral;
    private final SymmetricState symmetric;
    private X25519KeyPair localEphemeral;
    private byte[] remoteEphemeral;
    private byte[] remoteStatic;
    private byte[] payloadHash;
    private SplitKeys splitKeys;
    private int messageIndex;
    private boolean failed;
    private boolean splitTaken;

    /**
     * Starts a handshake with a fresh random ephemeral key.
     *
     * @param initiator   whether this side sends the first message
     * @param prologue    data both sides must agree on (mixed into the hash, never sent); copied
     * @param localStatic this side's static key pair; not destroyed by this class
     */
    public HandshakeState(boolean initiator, byte[] prologue, X25519KeyPair localStatic) {
        this(initiator, prologue, localStatic, null);
    }

    /**
     * Starts a handshake whose ephemeral key is {@code fixedEphemeral} instead of a random one.
     * For replaying published test vectors only: reusing an ephemeral key destroys the handshake's
     * security. The ephemeral key pair is destroyed when the handshake completes or fails.
     */
    HandshakeState(boolean initiator, byte[] prologue, X25519KeyPair localStatic, X25519KeyPair fixedEphemeral) {
        this.initiator = initiator;
        this.localStatic = Objects.requireNonNull(localStatic, "localStatic");
        this.fixedEphemeral = fixedEphemeral;
        this.symmetric = new SymmetricState(PROTOCOL_NAME);
        symmetric.mixHash(Objects.requireNonNull(prologue, "prologue").clone());
    }

    /**
     * Noise {@code WriteMessage}: produces the next handshake message carrying {@code payload}
     * (encrypted from the second message on).
     *
     * @throws NoiseException if it is not this side's turn to write, the handshake is over or
     *                        failed, the peer's key is a low-order point, or the message would
     *                        exceed {@link #MAX_MESSAGE_LENGTH}
     */
    public byte[] writeMessage(byte[] payload) throws NoiseException {
        Objects.requireNonNull(payload, "payload");
        return writeMessage(hash -> payload);
    }

    /**
     * Noise {@code WriteMessage} with a payload made for this very message: {@code payloadForHash} is given
     * the handshake hash {@code h} just before the payload is encrypted (after every token of the message),
     * which the reader sees as {@link #hashBeforePayload()}. A signature over it binds the payload to this
     * handshake: both ephemeral keys, and every static key sent so far, are in it.
     *
     * @throws NoiseException as {@link #writeMessage(byte[])}
     */
    public byte[] writeMessage(UnaryOperator<byte[]> payloadForHash) throws NoiseException {
        Objects.requireNonNull(payloadForHash, "payloadForHash");
        requireTurn(true);
        boolean ok = false;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (Token token : MESSAGES[messageIndex]) {
                switch (token) {
                    case E -> {
                        localEphemeral = fixedEphemeral != null ? fixedEphemeral : X25519KeyPair.generate(RANDOM);
                        byte[] publicKey = localEphemeral.publicKey();
                        out.writeBytes(publicKey);
                        symmetric.mixHash(publicKey);
                    }
                    case S -> out.writeBytes(symmetric.encryptAndHash(localStatic.publicKey()));
                    default -> mixDh(token);
                }
            }
            payloadHash = symmetric.handshakeHash();
            out.writeBytes(symmetric.encryptAndHash(Objects.requireNonNull(payloadForHash.apply(payloadHash.clone()), "payload")));
            if (out.size() > MAX_MESSAGE_LENGTH) {
                throw new NoiseException("handshake message of " + out.size() + " bytes exceeds " + MAX_MESSAGE_LENGTH);
            }
            advance();
            ok = true;
            return out.toByteArray();
        } finally {
            if (!ok) {
                fail();
            }
        }
    }

    /**
     * Noise {@code ReadMessage}: consumes the peer's next handshake message and returns its
     * decrypted payload.
     *
     * @throws NoiseException if it is not this side's turn to read, the handshake is over or
     *                        failed, the message is too short or too long, authentication fails,
     *                        or the peer's key is a low-order point
     */
    public byte[] readMessage(byte[] message) throws NoiseException {
        Objects.requireNonNull(message, "message");
        requireTurn(false);
        boolean ok = false;
        try {
            byte[] payload = read(message);
            ok = true;
            return payload;
        } finally {
            if (!ok) {
                fail();
            }
        }
    }

    /**
     * {@link #readMessage}, except that a message refused for what it holds (authentication, length, a low-order key)
     * leaves this handshake as it was before, not failed: the genuine message may still come. For a message whose
     * turn an observer can aim forgeries at (the responder's third: its receiver index travels in clear in the
     * RESPONSE; the initiator's second, for forgeries that fail Noise), so that a forgery costs one refused read, not
     * the handshake. A read out of turn, or of a failed or complete handshake, still fails it.
     *
     * @throws NoiseException as {@link #readMessage}
     */
    public byte[] readMessageOrStay(byte[] message) throws NoiseException {
        Objects.requireNonNull(message, "message");
        requireTurn(false);
        SymmetricState.Mark before = symmetric.mark();
        byte[] ephemeralBefore = remoteEphemeral;
        byte[] staticBefore = remoteStatic;
        byte[] payloadHashBefore = payloadHash;
        int indexBefore = messageIndex;
        boolean read = false;
        try {
            byte[] payload = read(message);
            read = true;
            return payload;
        } finally {
            if (read) {
                before.forget(); // the copy of a chaining key no longer needed
            } else { // whatever stopped the read
                symmetric.restore(before);
                remoteEphemeral = ephemeralBefore;
                remoteStatic = staticBefore;
                payloadHash = payloadHashBefore;
                messageIndex = indexBefore;
            }
        }
    }

    /** The tokens and payload of the next message; on success the turn moves on. */
    private byte[] read(byte[] message) throws NoiseException {
        if (message.length > MAX_MESSAGE_LENGTH) {
            throw new NoiseException("handshake message of " + message.length + " bytes exceeds " + MAX_MESSAGE_LENGTH);
        }
        int offset = 0;
        for (Token token : MESSAGES[messageIndex]) {
            switch (token) {
                case E -> {
                    remoteEphemeral = slice(message, offset, DH_LENGTH);
                    offset += DH_LENGTH;
                    symmetric.mixHash(remoteEphemeral);
                }
                case S -> {
                    int length = DH_LENGTH + (symmetric.hasKey() ? TAG_LENGTH : 0);
                    remoteStatic = symmetric.decryptAndHash(slice(message, offset, length));
                    offset += length;
                }
                default -> mixDh(token);
            }
        }
        byte[] hashBefore = symmetric.handshakeHash();
        byte[] payload = symmetric.decryptAndHash(Arrays.copyOfRange(message, offset, message.length));
        payloadHash = hashBefore;
        advance();
        return payload;
    }

    /**
     * Returns the handshake hash {@code h} as it was just before the payload of the last message written or
     * read was mixed in: what {@link #writeMessage(UnaryOperator)} gave the writer of that payload.
     *
     * @throws IllegalStateException if no message was processed yet or the handshake failed
     */
    public byte[] hashBeforePayload() {
        if (failed || payloadHash == null) {
            throw new IllegalStateException(failed ? "handshake failed" : "no message processed yet");
        }
        return payloadHash.clone();
    }

    /** Whether all three messages have been written or read successfully. */
    public boolean isComplete() {
        return !failed && messageIndex == MESSAGES.length;
    }

    /**
     * Returns the peer's authenticated static public key (32 bytes). The initiator learns it from
     * message 2, the responder from message 3.
     *
     * @throws IllegalStateException if it is not yet known or the handshake failed
     */
    public byte[] remoteStaticPublicKey() {
        if (failed || remoteStatic == null) {
            throw new IllegalStateException(failed ? "handshake failed" : "remote static key not received yet");
        }
        return remoteStatic.clone();
    }

    /**
     * Returns the final handshake hash {@code h}, identical on both sides, for channel binding.
     *
     * @throws IllegalStateException unless the handshake is complete
     */
    public byte[] handshakeHash() {
        requireComplete();
        return symmetric.handshakeHash();
    }

    /**
     * Returns the transport keys of Noise {@code Split()}. May be called once; the caller owns
     * and should destroy the returned keys.
     *
     * @throws IllegalStateException unless the handshake is complete and split was not yet taken
     */
    public SplitKeys split() {
        requireComplete();
        if (splitTaken) {
            throw new IllegalStateException("split keys were already taken");
        }
        splitTaken = true;
        SplitKeys keys = splitKeys;
        splitKeys = null;
        return keys;
    }

    private void requireTurn(boolean writing) throws NoiseException {
        if (failed) {
            throw new NoiseException("handshake already failed");
        }
        if (messageIndex == MESSAGES.length) {
            fail();
            throw new NoiseException("handshake already complete");
        }
        boolean writeTurn = (messageIndex % 2 == 0) == initiator;
        if (writing != writeTurn) {
            fail();
            throw new NoiseException("message " + (messageIndex + 1) + " out of turn: this "
                    + (initiator ? "initiator" : "responder") + " must " + (writeTurn ? "write" : "read") + " it");
        }
    }

    private void requireComplete() {
        if (!isComplete()) {
            throw new IllegalStateException(failed ? "handshake failed" : "handshake not complete");
        }
    }

    private void mixDh(Token token) throws NoiseException {
        X25519KeyPair local;
        byte[] remote;
        switch (token) {
            case EE -> {
                local = localEphemeral;
                remote = remoteEphemeral;
            }
            case ES -> {
                local = initiator ? localEphemeral : localStatic;
                remote = initiator ? remoteStatic : remoteEphemeral;
            }
            case SE -> {
                local = initiator ? localStatic : localEphemeral;
                remote = initiator ? remoteEphemeral : remoteStatic;
            }
            default -> throw new IllegalArgumentException("not a DH token: " + token);
        }
        try {
            symmetric.mixKey(local.agree(remote));
        } catch (IllegalArgumentException e) {
            throw new NoiseException("DH " + token.name().toLowerCase(Locale.ROOT) + " rejected: " + e.getMessage(), e);
        }
    }

    private void advance() {
        messageIndex++;
        if (messageIndex == MESSAGES.length) {
            splitKeys = symmetric.split();
            symmetric.destroy();
            localEphemeral.destroy();
        }
    }

    private void fail() {
        failed = true;
        symmetric.destroy();
        if (localEphemeral != null) {
            localEphemeral.destroy();
        }
        if (splitKeys != null) {
            splitKeys.destroy();
            splitKeys = null;
        }
    }

    private static byte[] slice(byte[] message, int offset, int length) throws NoiseException {
        if (message.length - offset < length) {
            throw new NoiseException("handshake message too short: " + message.length + " bytes");
        }
        return Arrays.copyOfRange(message, offset, offset + length);
    }
}

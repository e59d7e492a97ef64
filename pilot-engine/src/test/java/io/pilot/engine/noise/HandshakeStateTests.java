package io.pilot.engine.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.crypto.PacketCipher;
import io.pilot.engine.crypto.X25519KeyPair;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HandshakeStateTests {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] PROLOGUE = "pilot/1".getBytes(StandardCharsets.US_ASCII);

    private X25519KeyPair initiatorStatic;
    private X25519KeyPair responderStatic;

    @BeforeEach
    void keys() {
        initiatorStatic = X25519KeyPair.generate(RANDOM);
        responderStatic = X25519KeyPair.generate(RANDOM);
    }

    @Test
    void completesAndBothSidesDeriveMatchingKeys() throws Exception {
        HandshakeState initiator = new HandshakeState(true, PROLOGUE, initiatorStatic);
        HandshakeState responder = new HandshakeState(false, PROLOGUE, responderStatic);

        byte[] m1 = initiator.writeMessage(bytes("hello"));
        assertThat(m1).hasSize(32 + 5);
        assertThat(responder.readMessage(m1)).isEqualTo(bytes("hello"));
        byte[] m2 = responder.writeMessage(bytes("hi there"));
        assertThat(m2).hasSize(32 + 48 + 8 + 16);
        assertThat(initiator.readMessage(m2)).isEqualTo(bytes("hi there"));
        assertThat(initiator.remoteStaticPublicKey()).isEqualTo(responderStatic.publicKey());
        assertThat(initiator.isComplete()).isFalse();
        byte[] m3 = initiator.writeMessage(new byte[0]);
        assertThat(m3).hasSize(48 + 16);
        assertThat(responder.readMessage(m3)).isEmpty();

        assertThat(initiator.isComplete()).isTrue();
        assertThat(responder.isComplete()).isTrue();
        assertThat(responder.remoteStaticPublicKey()).isEqualTo(initiatorStatic.publicKey());
        assertThat(initiator.handshakeHash()).isEqualTo(responder.handshakeHash()).hasSize(32);

        SplitKeys i = initiator.split();
        SplitKeys r = responder.split();
        assertThat(i.initiatorToResponder()).isEqualTo(r.initiatorToResponder());
        assertThat(i.responderToInitiator()).isEqualTo(r.responderToInitiator());
        assertThat(i.initiatorToResponder()).isNotEqualTo(i.responderToInitiator());

        PacketCipher send = new PacketCipher(i.initiatorToResponder());
        PacketCipher receive = new PacketCipher(r.initiatorToResponder());
        i.destroy();
        r.destroy();
        assertThat(i.initiatorToResponder()).containsOnly(0);
        ByteBuffer sealed = ByteBuffer.allocate(64);
        long counter = send.nextCounter();
        send.seal(counter, null, ByteBuffer.wrap(bytes("data")), sealed);
        ByteBuffer opened = ByteBuffer.allocate(64);
        assertThat(receive.open(counter, null, sealed.flip(), opened)).isEqualTo(4);
    }

    @Test
    void freshEphemeralsGiveDifferentSessions() throws Exception {
        SplitKeys first = runHandshake(new HandshakeState(true, PROLOGUE, initiatorStatic),
                new HandshakeState(false, PROLOGUE, responderStatic));
        SplitKeys second = runHandshake(new HandshakeState(true, PROLOGUE, initiatorStatic),
                new HandshakeState(false, PROLOGUE, responderStatic));
        assertThat(first.initiatorToResponder()).isNotEqualTo(second.initiatorToResponder());
    }

    @Test
    void tamperedFirstMessageIsDetectedByInitiatorAtMessageTwo() throws Exception {
        HandshakeState initiator = new HandshakeState(true, PROLOGUE, initiatorStatic);
        HandshakeState responder = new HandshakeState(false, PROLOGUE, responderStatic);
        byte[] m1 = initiator.writeMessage(bytes("hello"));
        m1[m1.length - 1] ^= 1; // message 1 is unauthenticated by design; the hash diverges
        responder.readMessage(m1);
        byte[] m2 = responder.writeMessage(new byte[0]);
        assertThatThrownBy(() -> initiator.readMessage(m2)).isInstanceOf(NoiseException.class);
        assertFailedForGood(initiator);
    }

    @Test
    void everyTamperedByteOfMessagesTwoAndThreeIsRejected() throws Exception {
        for (int index = 1; index <= 2; index++) {
            int length = transcript()[index].length;
            for (int pos = 0; pos < length; pos++) {
                HandshakeState initiator = new HandshakeState(true, PROLOGUE, initiatorStatic);
                HandshakeState responder = new HandshakeState(false, PROLOGUE, responderStatic);
                HandshakeState[] sides = {initiator, responder};
                for (int m = 0; m < index; m++) {
                    sides[(m + 1) % 2].readMessage(sides[m % 2].writeMessage(bytes("payload")));
                }
                byte[] bad = sides[index % 2].writeMessage(bytes("payload"));
                bad[pos] ^= 0x20;
                HandshakeState receiver = sides[(index + 1) % 2];
                assertThatThrownBy(() -> receiver.readMessage(bad)).as("message %d byte %d", index + 1, pos)
                        .isInstanceOf(NoiseException.class);
                assertFailedForGood(receiver);
            }
        }
    }

    @Test
    void aThirdMessageRefusedByReadMessageOrStayLeavesTheResponderToReadTheGenuineOne() throws Exception {
        int length = transcript()[2].length;
        for (int pos = 0; pos < length; pos++) {
            HandshakeState initiator = new HandshakeState(true, PROLOGUE, initiatorStatic);
            HandshakeState responder = new HandshakeState(false, PROLOGUE, responderStatic);
            responder.readMessage(initiator.writeMessage(bytes("one")));
            initiator.readMessage(responder.writeMessage(bytes("two")));
            byte[] genuine = initiator.writeMessage(bytes("three"));
            byte[] forged = genuine.clone();
            forged[pos] ^= 0x20;

            // A flipped byte in the static key fails at its tag; one in the payload after the SE mix: both undone.
            assertThatThrownBy(() -> responder.readMessageOrStay(forged)).as("byte %d", pos)
                    .isInstanceOf(NoiseException.class);
            assertThatThrownBy(() -> responder.readMessageOrStay(Arrays.copyOf(genuine, 40)))
                    .isInstanceOf(NoiseException.class).hasMessageContaining("too short");
            assertThat(responder.isComplete()).isFalse();

            assertThat(responder.readMessageOrStay(genuine)).isEqualTo(bytes("three"));
            assertThat(responder.remoteStaticPublicKey()).isEqualTo(initiatorStatic.publicKey());
            assertThat(responder.handshakeHash()).isEqualTo(initiator.handshakeHash());
            assertThat(responder.split().initiatorToResponder()).isEqualTo(initiator.split().initiatorToResponder());
        }
    }

    @Test
    void readMessageOrStayOutOfTurnStillFailsTheHandshake() throws Exception {
        HandshakeState initiator = new HandshakeState(true, PROLOGUE, initiatorStatic);
        assertThatThrownBy(() -> initiator.readMessageOrStay(new byte[96])).isInstanceOf(NoiseException.class)
                .hasMessageContaining("out of turn");
        assertFailedForGood(initiator);
    }

    @Test
    void truncatedAndOversizedMessagesAreRejected() throws Exception {
        assertThatThrownBy(() -> new HandshakeState(false, PROLOGUE, responderStatic).readMessage(new byte[31]))
                .isInstanceOf(NoiseException.class).hasMessageContaining("too short");
        assertThatThrownBy(() -> new HandshakeState(false, PROLOGUE, responderStatic).readMessage(new byte[65536]))
                .isInstanceOf(NoiseException.class).hasMessageContaining("exceeds");

        HandshakeState initiator = new HandshakeState(true, PROLOGUE, initiatorStatic);
        HandshakeState responder = new HandshakeState(false, PROLOGUE, responderStatic);
        responder.readMessage(initiator.writeMessage(new byte[0]));
        byte[] m2 = responder.writeMessage(new byte[0]);
        byte[] truncated = Arrays.copyOf(m2, 32 + 40);
        assertThatThrownBy(() -> initiator.readMessage(truncated)).isInstanceOf(NoiseException.class);

        HandshakeState writer = new HandshakeState(true, PROLOGUE, initiatorStatic);
        assertThatThrownBy(() -> writer.writeMessage(new byte[65535 - 31]))
                .isInstanceOf(NoiseException.class).hasMessageContaining("exceeds");
        assertFailedForGood(writer);
        assertThat(new HandshakeState(true, PROLOGUE, initiatorStatic).writeMessage(new byte[65535 - 32])).hasSize(65535);
    }

    @Test
    void messagesReplayedToFreshHandshakesAreRejected() throws Exception {
        byte[][] transcript = transcript();

        // A replayed message 1 is accepted (it is unauthenticated), but the fresh responder picks a
        // new ephemeral, so the recorded message 3 no longer authenticates.
        HandshakeState responder = new HandshakeState(false, PROLOGUE, responderStatic);
        responder.readMessage(transcript[0]);
        responder.writeMessage(new byte[0]);
        assertThatThrownBy(() -> responder.readMessage(transcript[2])).isInstanceOf(NoiseException.class);
        assertFailedForGood(responder);

        // A recorded message 2 does not authenticate against a fresh initiator's new ephemeral.
        HandshakeState initiator = new HandshakeState(true, PROLOGUE, initiatorStatic);
        initiator.writeMessage(new byte[0]);
        assertThatThrownBy(() -> initiator.readMessage(transcript[1])).isInstanceOf(NoiseException.class);
        assertFailedForGood(initiator);

        // A recorded message 2 sent to a fresh initiator that has not spoken yet is out of turn.
        HandshakeState fresh = new HandshakeState(true, PROLOGUE, initiatorStatic);
        assertThatThrownBy(() -> fresh.readMessage(transcript[1]))
                .isInstanceOf(NoiseException.class).hasMessageContaining("out of turn");
    }

    @Test
    void prologueMismatchFailsHandshake() throws Exception {
        HandshakeState initiator = new HandshakeState(true, PROLOGUE, initiatorStatic);
        HandshakeState responder = new HandshakeState(false, bytes("other"), responderStatic);
        responder.readMessage(initiator.writeMessage(new byte[0]));
        byte[] m2 = responder.writeMessage(new byte[0]);
        assertThatThrownBy(() -> initiator.readMessage(m2)).isInstanceOf(NoiseException.class);
    }

    @Test
    void outOfTurnCallsFailTheHandshake() throws Exception {
        HandshakeState initiator = new HandshakeState(true, PROLOGUE, initiatorStatic);
        assertThatThrownBy(() -> initiator.readMessage(new byte[32]))
                .isInstanceOf(NoiseException.class).hasMessageContaining("out of turn");
        assertFailedForGood(initiator);

        HandshakeState responder = new HandshakeState(false, PROLOGUE, responderStatic);
        assertThatThrownBy(() -> responder.writeMessage(new byte[0]))
                .isInstanceOf(NoiseException.class).hasMessageContaining("out of turn");
        assertFailedForGood(responder);

        HandshakeState twice = new HandshakeState(true, PROLOGUE, initiatorStatic);
        twice.writeMessage(new byte[0]);
        assertThatThrownBy(() -> twice.writeMessage(new byte[0])).isInstanceOf(NoiseException.class);
    }

    @Test
    void callsAfterCompletionAreRejected() throws Exception {
        HandshakeState initiator = new HandshakeState(true, PROLOGUE, initiatorStatic);
        HandshakeState responder = new HandshakeState(false, PROLOGUE, responderStatic);
        runHandshake(initiator, responder);
        assertThatThrownBy(responder::split).isInstanceOf(IllegalStateException.class).hasMessageContaining("already");
        assertThatThrownBy(() -> initiator.writeMessage(new byte[0]))
                .isInstanceOf(NoiseException.class).hasMessageContaining("complete");
        assertFailedForGood(initiator);
    }

    @Test
    void theHashBeforeEachPayloadIsTheSameForWriterAndReaderAndNewInEveryHandshake() throws Exception {
        byte[][] first = payloadHashes();
        byte[][] second = payloadHashes();
        assertThat(first[0]).as("message 2 and 3 are signed over different hashes").isNotEqualTo(first[1]);
        assertThat(second[0]).as("fresh ephemerals, another hash").isNotEqualTo(first[0]);
        assertThat(second[1]).isNotEqualTo(first[1]);
    }

    /** Runs a handshake whose messages 2 and 3 carry the hash their writer was given; checks each reader saw it. */
    private byte[][] payloadHashes() throws NoiseException {
        HandshakeState initiator = new HandshakeState(true, PROLOGUE, initiatorStatic);
        HandshakeState responder = new HandshakeState(false, PROLOGUE, responderStatic);
        assertThatThrownBy(initiator::hashBeforePayload).isInstanceOf(IllegalStateException.class);
        responder.readMessage(initiator.writeMessage(new byte[0]));
        byte[][] hashes = new byte[2][];
        assertThat(initiator.readMessage(responder.writeMessage(hash -> hashes[0] = hash))).isEqualTo(hashes[0]);
        assertThat(initiator.hashBeforePayload()).isEqualTo(hashes[0]).isEqualTo(responder.hashBeforePayload());
        assertThat(responder.readMessage(initiator.writeMessage(hash -> hashes[1] = hash))).isEqualTo(hashes[1]);
        assertThat(responder.hashBeforePayload()).isEqualTo(hashes[1]).isEqualTo(initiator.hashBeforePayload());
        return hashes;
    }

    @Test
    void accessorsRefuseBeforeCompletion() throws Exception {
        HandshakeState initiator = new HandshakeState(true, PROLOGUE, initiatorStatic);
        assertThatThrownBy(initiator::split).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(initiator::handshakeHash).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(initiator::remoteStaticPublicKey).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void lowOrderEphemeralIsRejected() throws Exception {
        HandshakeState responder = new HandshakeState(false, PROLOGUE, responderStatic);
        responder.readMessage(new byte[32]); // an all-zero "ephemeral key"
        assertThatThrownBy(() -> responder.writeMessage(new byte[0]))
                .isInstanceOf(NoiseException.class).hasMessageContaining("low-order");
        assertFailedForGood(responder);
    }

    private SplitKeys runHandshake(HandshakeState initiator, HandshakeState responder) throws NoiseException {
        responder.readMessage(initiator.writeMessage(new byte[0]));
        initiator.readMessage(responder.writeMessage(new byte[0]));
        responder.readMessage(initiator.writeMessage(new byte[0]));
        responder.split();
        return initiator.split();
    }

    /** Records the three messages of a successful handshake with payloads. */
    private byte[][] transcript() throws NoiseException {
        HandshakeState initiator = new HandshakeState(true, PROLOGUE, initiatorStatic);
        HandshakeState responder = new HandshakeState(false, PROLOGUE, responderStatic);
        byte[][] messages = new byte[3][];
        messages[0] = initiator.writeMessage(bytes("one"));
        responder.readMessage(messages[0]);
        messages[1] = responder.writeMessage(bytes("two"));
        initiator.readMessage(messages[1]);
        messages[2] = initiator.writeMessage(bytes("three"));
        responder.readMessage(messages[2]);
        return messages;
    }

    private static void assertFailedForGood(HandshakeState state) {
        assertThat(state.isComplete()).isFalse();
        assertThatThrownBy(() -> state.writeMessage(new byte[0])).isInstanceOf(NoiseException.class);
        assertThatThrownBy(() -> state.readMessage(new byte[96])).isInstanceOf(NoiseException.class)
                .hasMessageContaining("failed");
        assertThatThrownBy(state::split).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(state::remoteStaticPublicKey).isInstanceOf(IllegalStateException.class);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

package io.pilot.engine.session;

import io.netty.buffer.ByteBuf;
import io.pilot.engine.crypto.PacketCipher;
import io.pilot.engine.crypto.ReplayWindow;
import io.pilot.engine.wire.DataPacket;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.WireFormat;

import java.nio.ByteBuffer;

/**
 * The keys one completed handshake produced: one {@link PacketCipher} per direction, the replay
 * window for the receiving direction, and the pair of session indexes that route packets to it.
 * Confined to the node's event loop.
 */
final class Keypair {

    final int localIndex;
    final int remoteIndex;
    final boolean initiator;
    final long createdNanos;
    final Peer peer;
    private final PacketCipher sender;
    private final PacketCipher receiver;
    private final ReplayWindow replay = new ReplayWindow();
    private long sentPackets;

    /** For the initiator: the responder's confirmation arrived, so it holds these keys too. */
    boolean confirmed;

    /** The peer's connection generation these keys carry; packets of another generation are dropped. */
    int generation = -1;

    /** The peer's boot id, as its handshake payload said. */
    long remoteBootId;

    /** When the handshake that made these keys began (this side's initiation, or the initiation's arrival). */
    long handshakeStartedNanos;

    /** Whether this handshake starts a new transport connection (decided by this side, or told by the peer). */
    boolean freshConnection;

    /**
     * For the responder: the final handshake message that made these keys, so that only that very message,
     * repeated, is answered with another confirmation.
     */
    byte[] acceptedFinal;
    /** For the responder: when it last sent a confirmation under these keys. */
    long lastConfirmationNanos;

    /** For the initiator until confirmed: the final handshake message, kept to repeat it. */
    byte[] pendingFinal;
    long nextFinalRetransmitNanos;
    long finalRetransmitIntervalNanos;

    Keypair(int localIndex, int remoteIndex, boolean initiator, long createdNanos, Peer peer, byte[] sendKey,
            byte[] receiveKey) {
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.initiator = initiator;
        this.createdNanos = createdNanos;
        this.peer = peer;
        this.sender = new PacketCipher(sendKey);
        this.receiver = new PacketCipher(receiveKey);
        this.confirmed = !initiator;
    }

    long ageNanos(long now) {
        return now - createdNanos;
    }

    long sentPackets() {
        return sentPackets;
    }

    /** Whether these keys may still send and receive: younger than the hard age and under the message limit. */
    boolean usable(long now, SessionSettings settings) {
        return ageNanos(now) < settings.rejectAfterTime().toNanos() && sentPackets < settings.rejectAfterMessages();
    }

    /**
     * Seals {@code plaintext} (position to limit) into a DATA datagram appended to {@code out}, which must
     * have room for it. Appending lets the caller put many datagrams in one buffer for segmentation offload.
     */
    void seal(ByteBuf out, ByteBuffer plaintext) {
        long counter = sender.nextCounter();
        sentPackets++;
        int length = plaintext.remaining();
        int start = out.writerIndex();
        out.writeByte(WireFormat.TYPE_DATA).writeByte(WireFormat.VERSION).writeShort(0)
                .writeInt(remoteIndex).writeLong(counter);
        ByteBuffer aad = out.nioBuffer(start, WireFormat.DATA_HEADER_LENGTH);
        ByteBuffer target = out.nioBuffer(start + WireFormat.DATA_HEADER_LENGTH, length + WireFormat.TAG_LENGTH);
        int written = sender.seal(counter, aad, plaintext, target);
        out.writerIndex(start + WireFormat.DATA_HEADER_LENGTH + written);
    }

    /**
     * Authenticates and decrypts a DATA packet into {@code plaintext} (cleared first).
     *
     * @return null when accepted, else why it was dropped
     */
    DropReason open(DataPacket packet, ByteBuffer scratch, ByteBuffer plaintext) {
        long counter = packet.counter();
        if (!replay.check(counter)) {
            return DropReason.REPLAYED;
        }
        // The JDK's AES-GCM runs its intrinsics on arrays; on direct buffers it falls back to a much slower
        // path. A copy of 1.2 KB into a heap buffer costs far less than the difference.
        ByteBuf datagram = packet.datagram();
        int length = datagram.readableBytes();
        scratch.clear();
        datagram.getBytes(datagram.readerIndex(), scratch.array(), 0, length);
        ByteBuffer aad = scratch.duplicate().position(0).limit(WireFormat.DATA_HEADER_LENGTH);
        ByteBuffer ciphertext = scratch.position(WireFormat.DATA_HEADER_LENGTH).limit(length);
        plaintext.clear();
        if (receiver.open(counter, aad, ciphertext, plaintext) < 0) {
            return DropReason.BAD_TAG;
        }
        plaintext.flip();
        return replay.update(counter) ? null : DropReason.REPLAYED;
    }
}

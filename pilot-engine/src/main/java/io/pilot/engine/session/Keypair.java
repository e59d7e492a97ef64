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

    /**
     * The number of the connection these keys carry, as both ends agreed (-1 until then: an initiator's keys
     * until the confirmation); transport packets under keys of another connection are dropped.
     */
    long connectionNumber = -1;

    /** The peer's boot id, as its handshake payload said. */
    long remoteBootId;

    /** For the initiator: the connection number its FINAL stated; the responder never answers with a lower one. */
    long statedNumber;
    /** For the initiator: when the initiation that made these keys began; a handshake started over keeps it. */
    long initiationStartedNanos;

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
     * Seals {@code plaintext} (position to limit) into a DATA datagram appended to {@code out}, growing it if need
     * be. Appending lets the caller put many datagrams in one buffer for segmentation offload. Into a heap buffer
     * the plaintext is copied and sealed in place ({@link #sealInPlace}: the JDK's fastest, least allocating way);
     * into direct memory through the JDK's buffer path.
     */
    void seal(ByteBuf out, ByteBuffer plaintext) {
        int length = plaintext.remaining();
        out.ensureWritable(WireFormat.DATA_HEADER_LENGTH + length + WireFormat.TAG_LENGTH);
        int start = out.writerIndex();
        if (out.hasArray()) {
            if (plaintext.hasArray()) { // an array copy, not the view of the buffer Netty would make
                out.setBytes(start + WireFormat.DATA_HEADER_LENGTH, plaintext.array(),
                        plaintext.arrayOffset() + plaintext.position(), length);
                plaintext.position(plaintext.limit());
            } else {
                out.setBytes(start + WireFormat.DATA_HEADER_LENGTH, plaintext);
            }
            sealInPlace(out, start, length);
            return;
        }
        long counter = sender.nextCounter();
        sentPackets++;
        out.writeByte(WireFormat.TYPE_DATA).writeByte(WireFormat.VERSION).writeShort(0)
                .writeInt(remoteIndex).writeLong(counter);
        ByteBuffer aad = out.nioBuffer(start, WireFormat.DATA_HEADER_LENGTH);
        ByteBuffer target = out.nioBuffer(start + WireFormat.DATA_HEADER_LENGTH, length + WireFormat.TAG_LENGTH);
        int written = sender.seal(counter, aad, plaintext, target);
        out.writerIndex(start + WireFormat.DATA_HEADER_LENGTH + written);
    }

    /**
     * Seals in place a DATA datagram whose plaintext ({@code length} bytes) the caller has already put in
     * {@code datagram} (a heap buffer) after room for the header at {@code start}: writes the header and turns the
     * plaintext into ciphertext and tag there, leaving the writer index after the tag, which must fit.
     */
    void sealInPlace(ByteBuf datagram, int start, int length) {
        long counter = sender.nextCounter();
        sentPackets++;
        datagram.setByte(start, WireFormat.TYPE_DATA).setByte(start + 1, WireFormat.VERSION).setShort(start + 2, 0)
                .setInt(start + 4, remoteIndex).setLong(start + 8, counter);
        int base = datagram.arrayOffset() + start;
        int written = sender.sealInPlace(counter, datagram.array(), base, WireFormat.DATA_HEADER_LENGTH,
                base + WireFormat.DATA_HEADER_LENGTH, length);
        datagram.writerIndex(start + WireFormat.DATA_HEADER_LENGTH + written);
    }

    /**
     * Authenticates and decrypts a DATA packet in place in {@code buffer} (a heap buffer of at least
     * {@link WireFormat#MAX_LARGE_DATAGRAM} bytes, reused from packet to packet): the datagram is copied into it, opened
     * there, and {@code buffer}'s position and limit then frame the plaintext. The one copy moves the datagram out
     * of the socket's direct memory: the JDK's AES-GCM runs its intrinsics on arrays and falls back to a much
     * slower path on direct buffers (measured: docs/ARCHITECTURE.md, the data path).
     *
     * @return null when accepted, else why it was dropped
     */
    DropReason open(DataPacket packet, ByteBuffer buffer) {
        long counter = packet.counter();
        if (!replay.check(counter)) {
            return DropReason.REPLAYED;
        }
        ByteBuf datagram = packet.datagram();
        int length = datagram.readableBytes();
        byte[] array = buffer.array();
        int base = buffer.arrayOffset();
        datagram.getBytes(datagram.readerIndex(), array, base, length);
        int opened = receiver.openInPlace(counter, array, base, WireFormat.DATA_HEADER_LENGTH,
                base + WireFormat.DATA_HEADER_LENGTH, length - WireFormat.DATA_HEADER_LENGTH);
        if (opened < 0) {
            return DropReason.BAD_TAG;
        }
        buffer.limit(WireFormat.DATA_HEADER_LENGTH + opened).position(WireFormat.DATA_HEADER_LENGTH);
        return replay.update(counter) ? null : DropReason.REPLAYED;
    }
}

package io.pilot.benchmarks;

import io.netty.buffer.ByteBuf;
import io.pilot.engine.crypto.PacketCipher;
import io.pilot.engine.noise.SplitKeys;
import io.pilot.engine.wire.DataPacket;
import io.pilot.engine.wire.WireFormat;

import java.nio.ByteBuffer;

/**
 * The keys of a session an {@link InitiatorHandshake} completed, seen from its initiator, with the two indexes that
 * route its DATA datagrams (docs/PROTOCOL.md §3.5, §4.3): the responder's carry {@link #localIndex}, this initiator's carry
 * the responder's index. Seals this side's DATA and opens the responder's, the confirmation first of all.
 */
final class InitiatorKeys {

    /**
     * The responder's confirmation of a session: the connection number it decided, u48, under the new keys
     * (docs/PROTOCOL.md §4.4).
     */
    private static final int CONFIRMATION_LENGTH = 6;

    private final int localIndex;
    private final int remoteIndex;
    private final PacketCipher sendKeys;
    private final PacketCipher receiveKeys;

    InitiatorKeys(int localIndex, int remoteIndex, SplitKeys keys) {
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.sendKeys = new PacketCipher(keys.initiatorToResponder());
        this.receiveKeys = new PacketCipher(keys.responderToInitiator());
    }

    /** The index the responder's DATA to this session carries. */
    int localIndex() {
        return localIndex;
    }

    /** One DATA datagram carrying {@code packet} (read to its limit), sealed under the next counter. */
    ByteBuffer seal(ByteBuffer packet) {
        long counter = sendKeys.nextCounter();
        ByteBuffer datagram = ByteBuffer.allocate(WireFormat.DATA_HEADER_LENGTH + packet.remaining() + WireFormat.TAG_LENGTH);
        datagram.put((byte) WireFormat.TYPE_DATA).put((byte) WireFormat.VERSION).putShort((short) 0)
                .putInt(remoteIndex).putLong(counter);
        ByteBuffer aad = datagram.duplicate().flip();
        sendKeys.seal(counter, aad, packet, datagram);
        return datagram.flip();
    }

    /**
     * Seals the {@code length} bytes of packet at {@link WireFormat#DATA_HEADER_LENGTH} in {@code array} in place,
     * under the next counter, with the DATA header written before them: no buffer allocated per datagram. The array
     * needs {@link WireFormat#TAG_LENGTH} bytes after the packet. Returns the datagram, a view of {@code array}.
     */
    ByteBuffer sealInPlace(byte[] array, int length) {
        long counter = sendKeys.nextCounter();
        ByteBuffer.wrap(array).put((byte) WireFormat.TYPE_DATA).put((byte) WireFormat.VERSION).putShort((short) 0)
                .putInt(remoteIndex).putLong(counter);
        int sealed = sendKeys.sealInPlace(counter, array, 0, WireFormat.DATA_HEADER_LENGTH,
                WireFormat.DATA_HEADER_LENGTH, length);
        return ByteBuffer.wrap(array, 0, WireFormat.DATA_HEADER_LENGTH + sealed);
    }

    /**
     * The plaintext of {@code data}, or null if it is not addressed to this session or does not authenticate. A
     * datagram on a heap array (what a generator reads) is opened in place, and the plaintext is a view of it: no
     * copy per datagram; one that failed to authenticate is left zeroed.
     */
    ByteBuffer open(DataPacket data) {
        if (data.receiverIndex() != localIndex) {
            return null;
        }
        ByteBuf datagram = data.datagram();
        int length = datagram.readableBytes();
        if (datagram.hasArray()) {
            byte[] array = datagram.array();
            int base = datagram.arrayOffset() + datagram.readerIndex();
            int opened = receiveKeys.openInPlace(data.counter(), array, base, WireFormat.DATA_HEADER_LENGTH,
                    base + WireFormat.DATA_HEADER_LENGTH, length - WireFormat.DATA_HEADER_LENGTH);
            return opened < 0 ? null : ByteBuffer.wrap(array, base + WireFormat.DATA_HEADER_LENGTH, opened).slice();
        }
        byte[] bytes = new byte[length];
        datagram.getBytes(datagram.readerIndex(), bytes);
        ByteBuffer aad = ByteBuffer.wrap(bytes, 0, WireFormat.DATA_HEADER_LENGTH);
        ByteBuffer ciphertext = ByteBuffer.wrap(bytes, WireFormat.DATA_HEADER_LENGTH, length - WireFormat.DATA_HEADER_LENGTH);
        ByteBuffer plaintext = ByteBuffer.allocate(length);
        if (receiveKeys.open(data.counter(), aad, ciphertext, plaintext) < 0) {
            return null;
        }
        return plaintext.flip();
    }

    /** Whether {@code plaintext}, opened by {@link #open}, is the responder's confirmation of the session. */
    static boolean isConfirmation(ByteBuffer plaintext) {
        return plaintext != null && plaintext.remaining() == CONFIRMATION_LENGTH;
    }

    /** The connection number a {@link #isConfirmation confirmation} names. */
    static long confirmedNumber(ByteBuffer plaintext) {
        int at = plaintext.position();
        return (plaintext.getShort(at) & 0xFFFFL) << 32 | plaintext.getInt(at + 2) & 0xFFFFFFFFL;
    }
}

package io.pilot.engine.wire;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * An encrypted transport packet: {@code header | receiver_index u32 | counter u64 | ciphertext}. The
 * first {@link WireFormat#DATA_HEADER_LENGTH} bytes are the AEAD associated data; the counter is the
 * nonce. Holds the datagram's bytes: whoever receives it releases it.
 */
public final class DataPacket extends AbstractReferenceCounted implements WirePacket {

    private final ByteBuf datagram;

    DataPacket(ByteBuf datagram) {
        this.datagram = datagram;
    }

    public int receiverIndex() {
        return datagram.getInt(datagram.readerIndex() + WireFormat.HEADER_LENGTH);
    }

    public long counter() {
        return datagram.getLong(datagram.readerIndex() + WireFormat.HEADER_LENGTH + 4);
    }

    /** The whole datagram: associated data followed by ciphertext and tag. */
    public ByteBuf datagram() {
        return datagram;
    }

    @Override
    protected void deallocate() {
        datagram.release();
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        datagram.touch(hint);
        return this;
    }
}

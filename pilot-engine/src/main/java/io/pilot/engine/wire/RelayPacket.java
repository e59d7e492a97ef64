package io.pilot.engine.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import io.pilot.engine.address.PilotAddress;

/**
 * A datagram on its way through a relay. Towards the relay ({@link WireFormat#TYPE_RELAY}) the address
 * names the target; from the relay ({@link WireFormat#TYPE_RELAYED}) it names the source, as the relay
 * claims it. The inner datagram is whatever the two ends exchange (handshakes, sealed DATA): the relay
 * cannot read it, and the receiver authenticates it as usual, so a lying relay only loses packets.
 * Holds the datagram's bytes: whoever receives it releases it.
 */
public final class RelayPacket extends AbstractReferenceCounted implements WirePacket {

    private final boolean towardsRelay;
    private final PilotAddress address;
    /** The whole datagram, relay header included: what {@link #rewrite} hands on. */
    private final ByteBuf datagram;
    /** A view of {@link #datagram} after the header, sharing its reference count. */
    private final ByteBuf inner;

    private RelayPacket(boolean towardsRelay, PilotAddress address, ByteBuf datagram) {
        this.towardsRelay = towardsRelay;
        this.address = address;
        this.datagram = datagram;
        this.inner = datagram.slice(WireFormat.RELAY_HEADER_LENGTH, datagram.readableBytes() - WireFormat.RELAY_HEADER_LENGTH);
    }

    static WireCodec.Result decode(ByteBuf in, boolean towardsRelay) {
        int start = in.readerIndex();
        int realm = in.getUnsignedShort(start + WireFormat.HEADER_LENGTH);
        long node = ((long) in.getUnsignedShort(start + WireFormat.HEADER_LENGTH + 2) << 32)
                | in.getUnsignedInt(start + WireFormat.HEADER_LENGTH + 4);
        return new WireCodec.Result(new RelayPacket(towardsRelay, new PilotAddress(realm, node),
                in.retainedSlice(start, in.readableBytes())), null);
    }

    /** Wraps a datagram (consumed) for the relay, addressed to {@code target}. */
    public static ByteBuf wrap(ByteBufAllocator allocator, int type, PilotAddress address, ByteBuf datagram) {
        ByteBuf out = allocator.directBuffer(WireFormat.RELAY_HEADER_LENGTH + datagram.readableBytes());
        writeHeader(out, type, address);
        out.writeBytes(datagram);
        datagram.release();
        return out;
    }

    /**
     * Turns this datagram, in place, into the one a relay passes on: its header rewritten to {@code type} naming
     * {@code address} (a relay header is as long either way), the datagram inside untouched. Returns the whole
     * datagram, retained, for the caller to write: a relay passes on the very bytes it read, copying none.
     */
    public ByteBuf rewrite(int type, PilotAddress address) {
        writeHeader(datagram.duplicate().writerIndex(datagram.readerIndex()), type, address);
        return datagram.retainedDuplicate();
    }

    /** Writes a relay header of {@code type} naming {@code address}: what goes before the datagram inside. */
    public static void writeHeader(ByteBuf out, int type, PilotAddress address) {
        WireCodec.writeHeader(out, type);
        out.writeShort(address.realm()).writeShort((int) (address.node() >>> 32)).writeInt((int) address.node());
    }

    /** True for a datagram sent to a relay, false for one a relay passes on. */
    public boolean towardsRelay() {
        return towardsRelay;
    }

    /** The target (towards the relay) or the claimed source (from the relay). */
    public PilotAddress address() {
        return address;
    }

    /** The datagram inside. */
    public ByteBuf inner() {
        return inner;
    }

    /** Why nothing is inside, if the inner datagram is itself a relay packet (relays do not nest). */
    public DropReason nestingProblem() {
        int type = inner.getUnsignedByte(inner.readerIndex());
        return type == WireFormat.TYPE_RELAY || type == WireFormat.TYPE_RELAYED ? DropReason.UNKNOWN_TYPE : null;
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

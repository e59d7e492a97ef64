package io.pilot.engine.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import io.pilot.engine.address.PilotAddress;

/**
 * A relayed datagram that one backbone of a realm passes to another ({@link WireFormat#TYPE_FORWARD}): the
 * target node is attached to the other backbone, which delivers it as a RELAYED from {@code source}. The tag
 * (a MAC under a key only the realm's backbones hold) is what makes the receiver believe it came from a backbone
 * of the realm; this class only lays the bytes out, the session layer computes and checks the tag. The inner
 * datagram stays sealed between the two nodes. Holds the datagram's bytes: whoever receives it releases it.
 *
 * <pre>
 *  0  4  header   08 02 00 00
 *  4  8  source   realm u16, node u48 (the node the first backbone knows by its session)
 * 12  8  target   realm u16, node u48
 * 20 16  tag      the first 16 bytes of HMAC-SHA256(key, bytes 0..19 || datagram)
 * 36  n  datagram a complete Pilot datagram of types 1..5
 * </pre>
 */
public final class ForwardPacket extends AbstractReferenceCounted implements WirePacket {

    /** Where the tag starts: everything before it is covered by the tag, as is everything after it. */
    public static final int TAG_OFFSET = WireFormat.HEADER_LENGTH + 16;
    public static final int TAG_LENGTH = 16;

    private final byte[] taggedHeader;
    private final byte[] tag;
    private final PilotAddress source;
    private final PilotAddress target;
    private final ByteBuf inner;

    private ForwardPacket(byte[] taggedHeader, byte[] tag, PilotAddress source, PilotAddress target, ByteBuf inner) {
        this.taggedHeader = taggedHeader;
        this.tag = tag;
        this.source = source;
        this.target = target;
        this.inner = inner;
    }

    static WireCodec.Result decode(ByteBuf in) {
        int start = in.readerIndex();
        byte[] header = new byte[TAG_OFFSET];
        in.getBytes(start, header);
        byte[] tag = new byte[TAG_LENGTH];
        in.getBytes(start + TAG_OFFSET, tag);
        ByteBuf inner = in.retainedSlice(start + WireFormat.FORWARD_HEADER_LENGTH,
                in.readableBytes() - WireFormat.FORWARD_HEADER_LENGTH);
        return new WireCodec.Result(new ForwardPacket(header, tag, address(in, start + WireFormat.HEADER_LENGTH),
                address(in, start + WireFormat.HEADER_LENGTH + 8), inner), null);
    }

    private static PilotAddress address(ByteBuf in, int at) {
        return new PilotAddress(in.getUnsignedShort(at), ((long) in.getUnsignedShort(at + 2) << 32) | in.getUnsignedInt(at + 4));
    }

    /**
     * Lays out a FORWARD of {@code datagram} (consumed) with a zero tag, which the sender then fills in over
     * the bytes before {@link #TAG_OFFSET} and after {@link WireFormat#FORWARD_HEADER_LENGTH}.
     */
    public static ByteBuf wrap(ByteBufAllocator allocator, PilotAddress source, PilotAddress target, ByteBuf datagram) {
        ByteBuf out = allocator.directBuffer(WireFormat.FORWARD_HEADER_LENGTH + datagram.readableBytes());
        WireCodec.writeHeader(out, WireFormat.TYPE_FORWARD);
        for (PilotAddress address : new PilotAddress[] {source, target}) {
            out.writeShort(address.realm()).writeShort((int) (address.node() >>> 32)).writeInt((int) address.node());
        }
        out.writeZero(TAG_LENGTH);
        out.writeBytes(datagram);
        datagram.release();
        return out;
    }

    /** The node the sending backbone says the datagram comes from. */
    public PilotAddress source() {
        return source;
    }

    /** The node it is for, attached to the receiving backbone. */
    public PilotAddress target() {
        return target;
    }

    /** The bytes before the tag, which the tag covers (a copy). */
    public byte[] taggedHeader() {
        return taggedHeader.clone();
    }

    /** The tag as received (a copy). */
    public byte[] tag() {
        return tag.clone();
    }

    /** The datagram inside. */
    public ByteBuf inner() {
        return inner;
    }

    /** Why nothing is inside, if the inner datagram is itself a relay or forward packet (they do not nest). */
    public DropReason nestingProblem() {
        int type = inner.getUnsignedByte(inner.readerIndex());
        return type >= WireFormat.TYPE_RELAY ? DropReason.UNKNOWN_TYPE : null;
    }

    @Override
    protected void deallocate() {
        inner.release();
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        inner.touch(hint);
        return this;
    }
}

package io.pilot.engine.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.WireFormat;

/**
 * Grows the slots {@code recvmmsg} reads datagrams into when a peer starts sending large ones, so that a socket
 * whose paths all stay at the base size never holds {@value #LARGE_SLOTS} large slots per read. With epoll and
 * without GRO the slots start at {@link WireFormat#MAX_FORWARD_DATAGRAM}, the largest datagram of the base size
 * ({@code UdpSocket}); the kernel cuts a longer datagram to its slot, so a DATA, RELAY or RELAYED datagram that
 * fills its slot exactly was cut (none of the base size is that long): the first probe of a peer's path MTU search,
 * direct or through a relay (at the relay itself, and at the node it passes the probe on to). That datagram is
 * dropped here ({@link DropReason#TRUNCATED}), the slots grow to {@link #LARGE_SLOT} for good, and the search's
 * next probe of the size gets through. Does nothing where reads are not cut to such slots (NIO, or GRO's one large
 * buffer). First in the pipeline.
 */
final class ReceiveSlots extends ChannelInboundHandlerAdapter {

    /** Base slots per read: 48 datagrams of the base size per {@code recvmmsg}. */
    static final int BASE_SLOTS = 48;
    /** Large slots per read: 16 datagrams of up to 16 KiB, 255 KiB per read. */
    static final int LARGE_SLOTS = 16;
    /**
     * A large slot: one byte more than the largest datagram, so that a longer one arrives cut to a length no
     * datagram has and the decoder drops it ({@link DropReason#OVERSIZED}) rather than a relay passing it on cut.
     */
    static final int LARGE_SLOT = WireFormat.MAX_LARGE_DATAGRAM + 1;

    private final DropCounters drops;
    private boolean grown;

    ReceiveSlots(DropCounters drops) {
        this.drops = drops;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!grown && msg instanceof DatagramPacket packet && cut(packet.content())
                && readsIntoBaseSlots(ctx.channel().config())) {
            grown = true;
            ctx.channel().config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, LARGE_SLOT);
            ctx.channel().config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(LARGE_SLOTS * LARGE_SLOT));
            packet.release();
            drops.count(DropReason.TRUNCATED);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** Whether the slots have grown. */
    boolean grown() {
        return grown;
    }

    /** Only a FORWARD may be as long as a base slot: it crosses backbone-to-backbone paths at the base size only. */
    private static boolean cut(ByteBuf datagram) {
        if (datagram.readableBytes() != WireFormat.MAX_FORWARD_DATAGRAM) {
            return false;
        }
        int type = datagram.getUnsignedByte(datagram.readerIndex());
        return type == WireFormat.TYPE_DATA || type == WireFormat.TYPE_RELAY || type == WireFormat.TYPE_RELAYED;
    }

    private static boolean readsIntoBaseSlots(ChannelConfig config) {
        Integer slot = config.getOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE);
        return slot != null && slot == WireFormat.MAX_FORWARD_DATAGRAM;
    }
}

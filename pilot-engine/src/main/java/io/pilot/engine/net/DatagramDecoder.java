package io.pilot.engine.net;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.wire.InboundPacket;
import io.pilot.engine.wire.WireCodec;

import java.util.List;

/**
 * Turns datagrams into {@link InboundPacket}s. A datagram that is too short, too long, of an unknown
 * type or another version is dropped and counted here, before the session layer spends any
 * cryptography on it.
 */
@Sharable
public final class DatagramDecoder extends MessageToMessageDecoder<DatagramPacket> {

    private final DropCounters drops;

    public DatagramDecoder(DropCounters drops) {
        super(DatagramPacket.class);
        this.drops = drops;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket datagram, List<Object> out) {
        WireCodec.Result result = WireCodec.decode(datagram.content());
        if (result.packet() == null) {
            drops.count(result.drop());
        } else {
            out.add(new InboundPacket(result.packet(), datagram.sender()));
        }
    }
}

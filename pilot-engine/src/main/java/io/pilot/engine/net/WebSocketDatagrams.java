package io.pilot.engine.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * The last stage of a WebSocket connection's pipeline, on either side: each binary message carries exactly
 * one sealed Pilot datagram, handed to the UDP pipeline with {@code sender} as its source. A text message or a
 * fragmented one is not Pilot: the connection is closed (1003) and counted.
 */
final class WebSocketDatagrams extends ChannelInboundHandlerAdapter {

    private final BearerSwitch bearers;
    private final StreamCounters counters;
    private final Supplier<InetSocketAddress> sender;
    private final InetSocketAddress local;

    /**
     * @param sender the source the datagrams are given: the client's {@link StreamEndpoint} on the serving
     *        side, the backbone's UDP endpoint on the client side (so its session goes on as before)
     * @param local the UDP socket's address, the datagrams' recipient
     */
    WebSocketDatagrams(BearerSwitch bearers, StreamCounters counters, Supplier<InetSocketAddress> sender,
            InetSocketAddress local) {
        this.bearers = bearers;
        this.counters = counters;
        this.sender = sender;
        this.local = local;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BinaryWebSocketFrame frame && frame.isFinalFragment()) {
            InetSocketAddress from = sender.get();
            if (from == null) { // not upgraded yet: cannot happen with the protocol handler in front
                frame.release();
                return;
            }
            bearers.deliver(new DatagramPacket(frame.content(), local, from));
            return;
        }
        if (msg instanceof WebSocketFrame frame) {
            frame.release();
            counters.badFrames.increment();
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE,
                    "one binary frame per Pilot datagram")).addListener(f -> ctx.close());
            return;
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        bearers.readComplete(ctx.channel());
        ctx.fireChannelReadComplete();
    }
}

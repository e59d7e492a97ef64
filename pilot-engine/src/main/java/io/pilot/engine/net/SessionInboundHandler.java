package io.pilot.engine.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.pilot.engine.session.SessionEngine;
import io.pilot.engine.wire.InboundPacket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last stage of a node's pipeline: hands decoded packets to the session engine, and tells it when a
 * read batch ends so it flushes each peer once per batch rather than once per datagram.
 */
public final class SessionInboundHandler extends SimpleChannelInboundHandler<InboundPacket> {

    private static final Logger log = LoggerFactory.getLogger(SessionInboundHandler.class);

    private final SessionEngine engine;

    public SessionInboundHandler(SessionEngine engine) {
        super(InboundPacket.class);
        this.engine = engine;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, InboundPacket packet) {
        engine.receive(packet);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        engine.readComplete();
    }

    /** One bad datagram or a bug in a handler must not take the node's only socket down. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("unexpected error on the UDP channel; the node keeps running", cause);
    }
}

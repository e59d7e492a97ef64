package io.pilot.engine.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the UDP pipeline meets the WebSocket connections: a datagram written to a {@link StreamEndpoint}, or to
 * the backbone while {@link BackboneReach} carries it over WebSocket, leaves as one binary frame on that
 * connection instead of the socket (a GSO batch as one frame per segment); a datagram arriving in a frame
 * enters the pipeline here as if the socket had read it, so STUN, the decoder and the sessions treat both
 * bearers alike. Sits right after the impairment stage: the impairment models the UDP link, not the TCP one.
 * Confined to the event loop, which the WebSocket channels share with the UDP channel.
 */
final class BearerSwitch extends ChannelDuplexHandler {

    private final StreamCounters counters;
    private final List<Channel> unflushed = new ArrayList<>();
    private ChannelHandlerContext context;
    private BackboneReach reach;
    /** Whether the WebSocket read batch under way delivered a datagram (one channel's batch at a time, on the loop). */
    private boolean deliveredInBatch;

    BearerSwitch(StreamCounters counters) {
        this.counters = counters;
    }

    /** From now on datagrams to the backbone follow {@code reach}'s choice of bearer. */
    void watch(BackboneReach reach) {
        this.reach = reach;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    /** The UDP channel, once in its pipeline. */
    Channel channel() {
        return context == null ? null : context.channel();
    }

    /** A datagram that arrived in a binary frame: on through the pipeline, as if read from the socket. */
    void deliver(DatagramPacket datagram) {
        counters.datagramsIn.increment();
        deliveredInBatch = true;
        context.fireChannelRead(datagram);
    }

    /**
     * The end of a read batch on the WebSocket connection {@code stream}: the sessions flush, as after a socket read,
     * and then the backbone's reach may send what it held for after the backbone's first answer there.
     */
    void readComplete(Channel stream) {
        context.fireChannelReadComplete();
        // Only a batch that carried datagrams: the read that completed the upgrade carried none.
        if (reach != null && deliveredInBatch) {
            reach.readCompleteOn(stream);
        }
        deliveredInBatch = false;
    }

    /** Writes a datagram to the UDP socket itself, whatever bearer the backbone is on: for probes. */
    void writeToSocket(DatagramPacket datagram) {
        context.writeAndFlush(datagram, context.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (reach != null && msg instanceof DatagramPacket datagram) {
            reach.heardOverUdp(datagram.sender(), datagram.content());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof DatagramPacket datagram)) {
            ctx.write(msg, promise);
            return;
        }
        Channel stream = streamFor(datagram);
        if (stream == null) {
            if (reach != null) {
                reach.sentOverUdp(datagram.recipient(), datagram.content(), !(datagram instanceof SegmentedDatagramPacket));
            }
            ctx.write(msg, promise);
            return;
        }
        try {
            if (datagram instanceof SegmentedDatagramPacket batch) {
                ByteBuf content = batch.content();
                while (content.isReadable()) {
                    send(stream, content.readRetainedSlice(Math.min(batch.segmentSize(), content.readableBytes())));
                }
            } else {
                send(stream, datagram.content().retain());
            }
        } finally {
            datagram.release();
        }
        if (!promise.isVoid()) {
            promise.trySuccess();
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        for (Channel stream : unflushed) {
            stream.flush();
        }
        unflushed.clear();
        ctx.flush();
    }

    private Channel streamFor(DatagramPacket datagram) {
        if (datagram.recipient() instanceof StreamEndpoint endpoint) {
            return endpoint.channel();
        }
        return reach == null ? null : reach.streamTo(datagram.recipient(), datagram.content());
    }

    /**
     * One datagram, one frame. A connection gone, or one whose TCP send buffer is past its high-water mark,
     * loses the datagram as a full UDP socket would: the transport above recovers, memory stays bounded.
     */
    private void send(Channel stream, ByteBuf datagram) {
        if (reach != null && reach.holds(stream, datagram)) {
            return; // a relay datagram on the backbone's new WebSocket, before the backbone answered there
        }
        if (!stream.isActive() || !stream.isWritable()) {
            datagram.release();
            counters.datagramsDropped.increment();
            return;
        }
        stream.write(new BinaryWebSocketFrame(datagram), stream.voidPromise());
        counters.datagramsOut.increment();
        if (!unflushed.contains(stream)) {
            unflushed.add(stream);
        }
    }
}

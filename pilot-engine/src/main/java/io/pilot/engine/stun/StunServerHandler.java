package io.pilot.engine.stun;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.limit.RateLimiter;
import io.pilot.engine.limit.TokenBucket;

import java.net.InetAddress;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers STUN Binding requests on Pilot's UDP socket, so peers learn their public address from the
 * very socket their Pilot traffic will use (a second socket could be mapped differently by the NAT).
 * Put it first in the datagram pipeline: it takes the STUN datagrams and passes every other datagram
 * on untouched.
 *
 * <p>For each STUN datagram (see {@link StunDemultiplexer}): a Binding request is answered (see
 * {@link StunResponder}) to the address it came from; malformed STUN is dropped and counted; any other
 * STUN message (responses, indications, other methods) is not for a Binding server and is dropped and
 * counted as ignored. Every STUN datagram is released here. Answers are written as they are produced
 * and flushed once per read batch, like Pilot's own traffic.
 *
 * <p>One instance per channel (it tracks a pending flush); the counters may be read from any thread.
 */
public final class StunServerHandler extends ChannelInboundHandlerAdapter {

    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private boolean flushPending;

    /**
     * An answer is about three times the size of a request, so a spoofed flood would make this node an
     * amplifier: each source address gets {@value #ANSWERS_PER_SECOND} answers a second (burst twice that).
     * A STUN client needs a handful.
     */
    static final int ANSWERS_PER_SECOND = 20;
    /**
     * Answers a second to all sources together (burst twice that): a flood spoofing many sources, each with its own
     * allowance, is bounded too, to about 320 KB/s of answers over IPv4. Enough for 100,000 agents starting within
     * a minute, each asking two or three times.
     */
    static final int NODE_ANSWERS_PER_SECOND = 5_000;
    private final RateLimiter<InetAddress> budgets = new RateLimiter<>(ANSWERS_PER_SECOND, 10_000);
    private final TokenBucket allSources;

    public StunServerHandler() {
        this(NODE_ANSWERS_PER_SECOND);
    }

    /** With another bound for all sources together than {@link #NODE_ANSWERS_PER_SECOND}: for tests. */
    StunServerHandler(int nodeAnswersPerSecond) {
        this.allSources = new TokenBucket(nodeAnswersPerSecond, System.nanoTime());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf content = packet.content();
        boolean modern = StunDemultiplexer.isStun(content);
        if (!modern && !StunDemultiplexer.isClassicBindingRequest(content)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            StunMessage.Decoded decoded = modern ? StunMessage.decode(content) : StunMessage.decodeClassicBindingRequest(content);
            InetSocketAddress sender = packet.sender();
            if (!decoded.ok()) {
                malformed.incrementAndGet();
            } else if (decoded.message().type() != StunMessage.BINDING_REQUEST || sender == null) {
                ignored.incrementAndGet();
            } else if (!budgets.tryAcquire(sender.getAddress(), System.nanoTime()) || !allSources.take(System.nanoTime())) {
                throttled.incrementAndGet();
            } else {
                StunMessage answer = StunResponder.answer(decoded.message(), sender);
                ctx.write(new DatagramPacket(answer.encode(ctx.alloc()), sender));
                flushPending = true;
                answered.incrementAndGet();
            }
        } finally {
            packet.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    /** Binding requests not answered because their source, or all sources together, exceeded the rate. */
    public long throttled() {
        return throttled.get();
    }

    /** Binding requests answered, with success or with an error response. */
    public long answered() {
        return answered.get();
    }

    /** STUN datagrams dropped because they did not decode (see {@link StunMessage.Decoded#error()}). */
    public long malformed() {
        return malformed.get();
    }

    /** Well-formed STUN datagrams that are not Binding requests (or have no sender to answer), dropped. */
    public long ignored() {
        return ignored.get();
    }
}

package io.pilot.engine.net;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Applies an {@link Impairment} to datagrams going out and coming in. Sits first in the pipeline so
 * everything above it, handshakes included, sees the impaired link.
 */
public final class ImpairmentHandler extends ChannelDuplexHandler {

    private final Impairment impairment;
    private final SplittableRandom random;
    private final Set<DatagramPacket> delayed = Collections.newSetFromMap(new IdentityHashMap<>());

    public ImpairmentHandler(Impairment impairment) {
        this.impairment = impairment;
        this.random = new SplittableRandom(impairment.seed());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket datagram)) {
            ctx.fireChannelRead(msg);
            return;
        }
        impair(ctx, datagram, ctx::fireChannelRead, true);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof DatagramPacket datagram)) {
            ctx.write(msg, promise);
            return;
        }
        promise.setSuccess();
        // Written, not flushed: the flush that follows the batch goes through as usual, so the socket still
        // writes a batch with one call instead of one call per datagram.
        impair(ctx, datagram, d -> ctx.write(d, ctx.voidPromise()), false);
    }

    /**
     * @param inbound a datagram held back on its way in is delivered from a scheduled task, outside any read
     *        batch, so it is followed by a read-complete of its own: the stages above answer once per batch
     *        (the session engine flushes its peers there), and without it the answer would wait for the next
     *        datagram the socket reads, seconds later on a quiet link, long enough for the peer to give up; one
     *        held back on its way out is likewise flushed on its own, after the batch it came with was flushed
     */
    private void impair(ChannelHandlerContext ctx, DatagramPacket datagram, Consumer<DatagramPacket> deliver,
            boolean inbound) {
        if (random.nextDouble() < impairment.lossRate()) {
            datagram.release();
            return;
        }
        if (random.nextDouble() < impairment.duplicateRate()) {
            schedule(ctx, datagram.retainedDuplicate(), deliver, impairment.delay().toNanos(), inbound);
        }
        long delay = impairment.delay().toNanos();
        if (random.nextDouble() < impairment.reorderRate()) {
            delay += impairment.reorderDelay().toNanos();
        }
        schedule(ctx, datagram, deliver, delay, inbound);
    }

    private void schedule(ChannelHandlerContext ctx, DatagramPacket datagram, Consumer<DatagramPacket> deliver,
            long delayNanos, boolean inbound) {
        if (delayNanos == 0) {
            deliver.accept(datagram);
            return;
        }
        delayed.add(datagram);
        ctx.executor().schedule(() -> {
            if (delayed.remove(datagram)) {
                deliver.accept(datagram);
                if (inbound) {
                    ctx.fireChannelReadComplete();
                } else {
                    ctx.flush();
                }
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Datagrams still held back when the channel goes away are released, not leaked. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        delayed.forEach(DatagramPacket::release);
        delayed.clear();
    }
}

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
        impair(ctx, datagram, ctx::fireChannelRead);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof DatagramPacket datagram)) {
            ctx.write(msg, promise);
            return;
        }
        promise.setSuccess();
        impair(ctx, datagram, d -> ctx.writeAndFlush(d, ctx.voidPromise()));
    }

    private void impair(ChannelHandlerContext ctx, DatagramPacket datagram, Consumer<DatagramPacket> deliver) {
        if (random.nextDouble() < impairment.lossRate()) {
            datagram.release();
            return;
        }
        if (random.nextDouble() < impairment.duplicateRate()) {
            schedule(ctx, datagram.retainedDuplicate(), deliver, impairment.delay().toNanos());
        }
        long delay = impairment.delay().toNanos();
        if (random.nextDouble() < impairment.reorderRate()) {
            delay += impairment.reorderDelay().toNanos();
        }
        schedule(ctx, datagram, deliver, delay);
    }

    private void schedule(ChannelHandlerContext ctx, DatagramPacket datagram, Consumer<DatagramPacket> deliver,
            long delayNanos) {
        if (delayNanos == 0) {
            deliver.accept(datagram);
            return;
        }
        delayed.add(datagram);
        ctx.executor().schedule(() -> {
            if (delayed.remove(datagram)) {
                deliver.accept(datagram);
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

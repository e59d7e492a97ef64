package io.pilot.engine;

import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.stun.StunClientHandler;
import io.pilot.engine.stun.StunClientTransaction;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Asks STUN servers, from the node's own socket, for the node's reflexive address: sends a Binding request and
 * retransmits it on RFC 8489's schedule until {@link StunClientHandler} picks out the answer or the schedule
 * runs out.
 */
final class ReflexiveAddressLookup {

    private final Channel channel;
    private final StunClientHandler answers;

    /** @param answers the handler in {@code channel}'s pipeline that recognises the answers */
    ReflexiveAddressLookup(Channel channel, StunClientHandler answers) {
        this.channel = channel;
        this.answers = answers;
    }

    /**
     * Completes on the event loop with the address {@code server} saw, or with a {@link PilotException} of
     * {@link ErrorCode#TIMEOUT} when it never answers.
     */
    CompletableFuture<InetSocketAddress> ask(InetSocketAddress server) {
        CompletableFuture<InetSocketAddress> result = new CompletableFuture<>();
        StunClientTransaction transaction = StunClientTransaction.start();
        channel.eventLoop().execute(() -> {
            answers.expect(transaction, result);
            transmit(transaction, server, result);
        });
        return result;
    }

    private void transmit(StunClientTransaction transaction, InetSocketAddress server,
            CompletableFuture<InetSocketAddress> result) {
        if (result.isDone()) {
            return;
        }
        if (!transaction.mayTransmit()) {
            answers.forget(transaction);
            result.completeExceptionally(new PilotException(ErrorCode.TIMEOUT, "no STUN answer from " + server));
            return;
        }
        channel.writeAndFlush(new DatagramPacket(transaction.request(channel.alloc()), server));
        Duration wait = transaction.transmitted();
        channel.eventLoop().schedule(() -> transmit(transaction, server, result), wait.toNanos(), TimeUnit.NANOSECONDS);
    }
}

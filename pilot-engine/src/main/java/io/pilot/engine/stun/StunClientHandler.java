package io.pilot.engine.stun;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.stun.StunClientTransaction;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Asks STUN servers, from the node's own socket, how the outside sees it: the answer is the reflexive
 * address of the very socket peers must reach. Picks the answers to its own transactions out of the
 * inbound datagrams and passes everything else on. Confined to the channel's event loop.
 */
public final class StunClientHandler extends ChannelInboundHandlerAdapter {

    private record Pending(StunClientTransaction transaction, CompletableFuture<InetSocketAddress> result) {
    }

    private final List<Pending> pending = new ArrayList<>();

    /** Registers a transaction whose answer completes {@code result}. */
    public void expect(StunClientTransaction transaction, CompletableFuture<InetSocketAddress> result) {
        pending.add(new Pending(transaction, result));
    }

    /** Forgets a transaction that gave up. */
    public void forget(StunClientTransaction transaction) {
        pending.removeIf(p -> p.transaction() == transaction);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!pending.isEmpty() && msg instanceof DatagramPacket datagram) {
            for (Pending waiting : new ArrayList<>(pending)) {
                Optional<InetSocketAddress> reflexive = waiting.transaction().accept(datagram);
                boolean rejected = waiting.transaction().rejection().isPresent();
                if (reflexive.isPresent() || rejected) {
                    pending.remove(waiting);
                    datagram.release();
                    if (reflexive.isPresent()) {
                        waiting.result().complete(reflexive.get());
                    } else {
                        waiting.result().completeExceptionally(new IllegalStateException("the STUN server refused: "
                                + waiting.transaction().rejection().get()));
                    }
                    return;
                }
            }
        }
        ctx.fireChannelRead(msg);
    }
}

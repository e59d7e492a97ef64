package io.pilot.engine.message;

import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadEventLoop;
import io.pilot.engine.session.Peer;
import io.pilot.engine.session.SessionEngine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;

/**
 * Flushes asked for by the event loop's tasks, held until the loop has run every task of its current round: requests
 * handed to the loop by many calling threads at once, and replies handed back by many handler threads, then leave
 * in one packet (or one GSO batch, one {@code sendmmsg}) per peer, not one datagram and one system call each. A lone
 * task loses nothing: the held flush runs as soon as that task has, in the same round.
 *
 * <p>Confined to the event loop. On a loop that cannot run work at the end of its round (not a Netty
 * {@link SingleThreadEventLoop}), or off the loop, a flush is done at once, as before.
 */
final class RoundFlushes {

    private final EventLoop loop;
    private final SessionEngine engine;
    /** Peers waiting for the end of the round; empty when no flush is due. */
    private final Set<Peer> due = new LinkedHashSet<>();
    private final Runnable flushDue = this::flushDue;

    RoundFlushes(EventLoop loop, SessionEngine engine) {
        this.loop = loop;
        this.engine = engine;
    }

    /** Flushes {@code peer} once the loop's current round of tasks has run. */
    void flushSoon(Peer peer) {
        if (!(loop instanceof SingleThreadEventLoop rounds) || !loop.inEventLoop()) {
            engine.flush(peer);
            return;
        }
        if (due.isEmpty()) {
            try {
                rounds.executeAfterEventLoopIteration(flushDue);
            } catch (RejectedExecutionException shuttingDown) {
                engine.flush(peer); // the loop takes no more work: what is left to send goes now
                return;
            }
        }
        due.add(peer);
    }

    private void flushDue() {
        // Taken out first: a flush that fails closes its connection, whose handlers may ask for flushes again.
        List<Peer> peers = new ArrayList<>(due);
        due.clear();
        engine.sendingToMany(() -> peers.forEach(engine::flush));
    }
}

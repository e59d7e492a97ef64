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
import java.util.concurrent.TimeUnit;

/**
 * Flushes asked for by the event loop's tasks, held until the loop has run every task of its current round: requests
 * handed to the loop by many calling threads at once, and replies handed back by many handler threads, then leave
 * in one packet (or one GSO batch, one {@code sendmmsg}) per peer, not one datagram and one system call each. A lone
 * task loses nothing: the held flush runs as soon as that task has, in the same round.
 *
 * <p>A round holds only what is already queued. Replies from handler threads trickle in a few per round while their
 * handlers finish one after another, so a reply may wait a little longer while a request its peer sent after it is
 * still with a handler ({@link #flushWithin}): at 64 calls in flight from one peer, a 100 µs window cut the datagrams
 * per call to between a third and a fifth (docs/benchmarks.md, section 7).
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
    /** Peers whose replies wait for more of theirs ({@link #flushWithin}). */
    private final Set<Peer> waiting = new LinkedHashSet<>();
    private final Runnable flushWaiting = this::flushWaiting;
    /** Whether the timer that flushes {@link #waiting} is armed: one at a time, however many peers wait. */
    private boolean windowArmed;

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

    /**
     * Flushes {@code peer} within {@code nanos}, or sooner with the round-end flush of any later {@link #flushSoon}
     * (the last reply of a burst asks for one): for a reply while a request its peer sent after it is still with a
     * handler, so that several replies share one packet. One timer (per node) serves every peer waiting so: each
     * waits at most {@code nanos}, plus the rest of the round in which the timer fires.
     */
    void flushWithin(Peer peer, long nanos) {
        if (!(loop instanceof SingleThreadEventLoop) || !loop.inEventLoop()) {
            engine.flush(peer);
            return;
        }
        if (due.contains(peer)) {
            return;
        }
        if (loop.isShuttingDown()) {
            engine.flush(peer); // its scheduled tasks are cancelled: what is left to send goes now
            return;
        }
        if (!windowArmed) {
            loop.schedule(flushWaiting, nanos, TimeUnit.NANOSECONDS); // on the loop: queued, never refused
            windowArmed = true;
        }
        waiting.add(peer);
    }

    /**
     * The window ended: the waiting peers are flushed at the end of this round, with the replies handed back in it
     * too.
     */
    private void flushWaiting() {
        windowArmed = false;
        List<Peer> peers = new ArrayList<>(waiting);
        waiting.clear();
        peers.forEach(this::flushSoon);
    }

    private void flushDue() {
        // Taken out first: a flush that fails closes its connection, whose handlers may ask for flushes again.
        List<Peer> peers = new ArrayList<>(due);
        due.clear();
        peers.forEach(waiting::remove); // what they held leaves now (not removeAll: by a list's contains, quadratic)
        engine.sendingToMany(() -> peers.forEach(engine::flush));
    }
}

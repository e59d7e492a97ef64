package io.pilot.engine.session;

import io.pilot.engine.wire.HandshakeInit;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * INITs the guard let through and the responder has not answered yet, oldest first (docs/PROTOCOL.md §4.10).
 * Answering one is the costliest thing a datagram asks of the event loop (an ephemeral key, two agreements and a
 * signature: about a third of a millisecond here). Answered inline, in the order read, a wave of them (thousands of
 * sessions coming back at once after a stall) held the loop while the established sessions' datagrams waited in the
 * socket's buffer until the kernel dropped them, and those sessions timed out and came back as INITs too. Queued here,
 * they are answered a few at a time, one turn per look of the loop at its sockets ({@link Handshakes#answerTurn}),
 * and the established sessions' datagrams are handled as they are read.
 *
 * <p>Bounded: at {@link #CAPACITY} a new INIT is refused before any work (its initiator repeats it), and from an
 * eighth of that the node counts itself under load, so the guard asks INITs without a cookie for one. The INITs
 * waiting count towards their lane's crowded mark too ({@link #waitingFor}), so the backlog lets no more INITs
 * without a cookie past that mark than the half-open table would. A repeat of an
 * INIT already waiting is recognised and not queued twice.
 */
final class InitBacklog {

    /** INITs waiting at most: about a third of a second of the loop's time at the cost above. */
    static final int CAPACITY = 1024;

    /** One INIT waiting, and when it arrived: the responder it makes counts its lifetime from then. */
    record Waiting(HandshakeInit init, Route from, long arrivedNanos) {
    }

    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final Set<Responders.SourceKey> keys = new HashSet<>();
    /** How many of those waiting came through the relay: they will take places in the relayed lane. */
    private int relayed;

    /** Whether the INIT {@code senderIndex} from {@code from} is waiting: a repeat of it needs nothing more. */
    boolean holds(Route from, int senderIndex) {
        return keys.contains(Responders.sourceKey(from, senderIndex));
    }

    /** INITs waiting that will go into the lane of {@code from} (direct or relayed), for {@link Responders#crowded}. */
    int waitingFor(Route from) {
        return from.isRelayed() ? relayed : waiting.size() - relayed;
    }

    /** Whether the backlog is long enough for the node to be under load: INITs must prove their source first. */
    boolean crowded() {
        return waiting.size() >= CAPACITY / Responders.SHARE_DIVISOR;
    }

    /** Queues an INIT; false, and nothing queued, when the backlog is full. */
    boolean offer(HandshakeInit init, Route from, long arrivedNanos) {
        if (waiting.size() >= CAPACITY) {
            return false;
        }
        waiting.add(new Waiting(init, from, arrivedNanos));
        keys.add(Responders.sourceKey(from, init.senderIndex()));
        if (from.isRelayed()) {
            relayed++;
        }
        return true;
    }

    /** The oldest INIT waiting, taken out; null when none is. */
    Waiting poll() {
        Waiting next = waiting.poll();
        if (next != null) {
            keys.remove(Responders.sourceKey(next.from(), next.init().senderIndex()));
            if (next.from().isRelayed()) {
                relayed--;
            }
        }
        return next;
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    int size() {
        return waiting.size();
    }

    void clear() {
        waiting.clear();
        keys.clear();
        relayed = 0;
    }
}

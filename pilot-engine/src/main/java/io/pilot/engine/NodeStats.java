package io.pilot.engine;

import io.pilot.engine.session.Peer;
import io.pilot.engine.session.SessionEngine;
import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.wire.DropReason;

import java.util.Map;

/**
 * Counters of a node since it started.
 *
 * @param handshakesCompleted handshakes completed in either role, rekeys included
 * @param peers peers known
 * @param sessions peers with an established session
 * @param pendingHandshakes half-open responder handshakes held right now, and INITs waiting to be answered
 * @param timerVisits peers the session clock visited to fire their due timers, since the start: the cost
 *        of the session timers, which follows what comes due and not the size of the peer table
 * @param timerTicks times the session clock woke the event loop, since the start: only when something was due,
 *        at most once per {@code 50 ms}; a node at rest is not woken by it
 * @param relayedWhileDirect datagrams that came through the relay from a peer whose direct path carried its traffic
 *        moments before, processed without challenging the relay (docs/PROTOCOL.md §4.11): how often one side
 *        upgraded to the direct path before the other
 * @param drops dropped datagrams by reason (only non-zero reasons appear)
 */
public record NodeStats(long handshakesCompleted, int peers, int sessions, int pendingHandshakes,
                        long timerVisits, long timerTicks, long relayedWhileDirect, Map<DropReason, Long> drops) {

    /** Dropped datagrams for one reason. */
    public long dropped(DropReason reason) {
        return drops.getOrDefault(reason, 0L);
    }

    /** The counters of {@code engine} right now; on the event loop, which owns the engine. */
    static NodeStats of(SessionEngine engine, DropCounters drops) {
        int sessions = 0;
        for (Peer peer : engine.peers()) {
            if (peer.connection() != null) {
                sessions++;
            }
        }
        return new NodeStats(engine.handshakesCompleted(), engine.peers().size(), sessions,
                engine.pendingHandshakes(), engine.timerVisits(), engine.timerTicks(), engine.relayedWhileDirect(),
                drops.snapshot());
    }
}

package io.pilot.engine.net;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the WebSocket listener saw: connections accepted, open and upgraded, and each way a connection was
 * refused or ended early. Updated on the event loop, read from any thread.
 */
public final class StreamCounters {

    final AtomicInteger open = new AtomicInteger();
    final LongAdder accepted = new LongAdder();
    final LongAdder upgraded = new LongAdder();
    final LongAdder overCapacity = new LongAdder();
    final LongAdder notUpgrade = new LongAdder();
    final LongAdder handshakeTimeouts = new LongAdder();
    final LongAdder idleTimeouts = new LongAdder();
    final LongAdder badFrames = new LongAdder();
    final LongAdder tlsFailures = new LongAdder();
    final LongAdder datagramsIn = new LongAdder();
    final LongAdder datagramsOut = new LongAdder();
    final LongAdder datagramsDropped = new LongAdder();

    /** A copy of the counters now. */
    public Snapshot snapshot() {
        return new Snapshot(open.get(), accepted.sum(), upgraded.sum(), overCapacity.sum(), notUpgrade.sum(),
                handshakeTimeouts.sum(), idleTimeouts.sum(), badFrames.sum(), tlsFailures.sum(), datagramsIn.sum(),
                datagramsOut.sum(), datagramsDropped.sum());
    }

    /**
     * @param open connections open now (upgraded or not)
     * @param accepted connections accepted since start
     * @param upgraded connections that completed the WebSocket upgrade
     * @param overCapacity connections closed at once because the listener was full
     * @param notUpgrade HTTP requests that were not a WebSocket upgrade (answered 400/426, closed)
     * @param handshakeTimeouts connections that did not finish the upgrade in time (slowloris)
     * @param idleTimeouts upgraded connections closed for silence
     * @param badFrames connections closed for a frame the protocol does not allow (text, fragmented, oversized, malformed)
     * @param tlsFailures connections whose TLS handshake failed (garbage, wrong protocol)
     * @param datagramsIn datagrams received in binary frames
     * @param datagramsOut datagrams sent in binary frames
     * @param datagramsDropped datagrams not sent because their connection had closed or could not take more
     */
    public record Snapshot(int open, long accepted, long upgraded, long overCapacity, long notUpgrade,
                           long handshakeTimeouts, long idleTimeouts, long badFrames, long tlsFailures,
                           long datagramsIn, long datagramsOut, long datagramsDropped) {
    }
}

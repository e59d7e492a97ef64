package io.pilot.engine.transport;

import java.util.Objects;

/**
 * How large one connection's packets may be on its current path, and the probes that find out: the connection's
 * side of DPLPMTUD (RFC 8899), with {@link PathMtuSearch} deciding. Sizes towards the search are whole datagrams
 * (the packet plus what the layer below adds, {@code overhead}); towards the connection, packet payloads.
 *
 * <p>A probe is a packet of its own, a PING padded to the size to try, sent outside the congestion window and not
 * counted in flight: it carries nothing that must arrive, so its loss is neither retransmitted nor taken as
 * congestion (RFC 8899 §4.1). It is acknowledged like any ack-eliciting packet; when it is not within
 * {@link #PROBE_LOSS_PTOS} probe timeouts it counts as lost. A peer that drops datagrams above the base size
 * (one that predates large datagrams) never acknowledges a probe, so the path stays at the base.
 *
 * <p>No search runs until the connection has sent {@link #FULL_PACKETS_BEFORE_SEARCH} packets filled to the
 * current size: a connection that never fills one gains nothing from larger ones, and a node holding many quiet
 * sessions sends no probes. A change of path (another address, a relay, a different limit) starts over at the
 * base. Confined to the connection's thread.
 */
final class PathMtuProbing {

    /** Probe timeouts a probe may go unacknowledged before it counts as lost. */
    static final int PROBE_LOSS_PTOS = 3;
    /** Full packets sent at the current size before a search starts. */
    static final int FULL_PACKETS_BEFORE_SEARCH = 16;

    private final int basePayload;
    private final boolean enabled;

    private Object path;
    private int largestDatagram;
    private int overhead;
    private int extraProbes;
    /** Null while the path allows nothing above the base. */
    private PathMtuSearch search;
    private int fullPackets;
    private long probePacketNumber = -1;
    private int probeDatagram;
    private long probeDeadlineNanos = Long.MAX_VALUE;

    /**
     * @param basePayload the packet payload every path carries ({@link TransportConfig#maxPacketPayload()})
     * @param enabled whether to search at all ({@link TransportConfig#pathMtuDiscovery()})
     */
    PathMtuProbing(int basePayload, boolean enabled) {
        this.basePayload = basePayload;
        this.enabled = enabled;
    }

    /**
     * The connection's packets go over {@code path} now (anything with equals: an address), where datagrams may be
     * at most {@code largestDatagram} bytes and the layer below adds {@code overhead} bytes to each packet. No
     * effect when nothing changed; otherwise the size falls back to the base and a search may start again.
     */
    void path(Object path, int largestDatagram, int overhead) {
        path(path, largestDatagram, overhead, 0);
    }

    /**
     * As {@link #path(Object, int, int)}, on a path that may lose {@code extraProbes} more probes of a size than
     * {@link PathMtuSearch#MAX_PROBES} before the size counts as too large.
     */
    void path(Object path, int largestDatagram, int overhead, int extraProbes) {
        if (Objects.equals(path, this.path) && largestDatagram == this.largestDatagram && overhead == this.overhead
                && extraProbes == this.extraProbes) {
            return;
        }
        this.path = path;
        this.largestDatagram = largestDatagram;
        this.overhead = overhead;
        this.extraProbes = extraProbes;
        int base = basePayload + overhead;
        search = enabled && largestDatagram > base
                ? new PathMtuSearch(base, largestDatagram, PathMtuSearch.MAX_PROBES + extraProbes) : null;
        fullPackets = 0;
        forgetProbe();
    }

    /** The largest packet payload to send now: the base, or what the search validated. */
    int maxPayload() {
        return search == null ? basePayload : search.plpmtu() - overhead;
    }

    /** A packet of {@code payload} bytes (not a probe) left: counts it if it was full. */
    void onPacketSent(int payload) {
        if (payload == maxPayload() && fullPackets < FULL_PACKETS_BEFORE_SEARCH) {
            fullPackets++;
        }
    }

    /**
     * The payload size of the probe to send now, or 0: none while no search may run, one is unanswered, or it
     * would not fit in {@code room} bytes.
     */
    int probeDue(long nowNanos, int room) {
        if (search == null || fullPackets < FULL_PACKETS_BEFORE_SEARCH || probePacketNumber >= 0) {
            return 0;
        }
        int datagram = search.probeDue(nowNanos);
        int payload = datagram - overhead;
        return datagram == 0 || payload > room ? 0 : payload;
    }

    /** A probe of {@code payload} bytes left as packet {@code packetNumber}; it is lost unless acknowledged within the timeout. */
    void probeSent(long packetNumber, int payload, long nowNanos, long probeTimeoutNanos) {
        probePacketNumber = packetNumber;
        probeDatagram = payload + overhead;
        probeDeadlineNanos = nowNanos + PROBE_LOSS_PTOS * probeTimeoutNanos;
        search.probeSent(probeDatagram);
    }

    /** The peer acknowledged {@code ranges} (pairs of largest, smallest): a probe among them got through. */
    void onAck(long[] ranges, long nowNanos) {
        if (probePacketNumber < 0) {
            return;
        }
        for (int i = 0; i < ranges.length; i += 2) {
            if (probePacketNumber <= ranges[i] && probePacketNumber >= ranges[i + 1]) {
                int size = probeDatagram;
                forgetProbe();
                search.probeAcknowledged(size, nowNanos);
                return;
            }
        }
    }

    /** When the unanswered probe counts as lost, or {@link Long#MAX_VALUE}. */
    long deadline() {
        return probeDeadlineNanos;
    }

    /** Runs the probe's loss timer. */
    void onTimeout(long nowNanos) {
        if (probePacketNumber >= 0 && nowNanos - probeDeadlineNanos >= 0) {
            int size = probeDatagram;
            forgetProbe();
            search.probeLost(size, nowNanos);
        }
    }

    /** The local stack refused a datagram of {@code datagramSize} bytes as too large for the path (EMSGSIZE). */
    void tooBig(int datagramSize, long nowNanos) {
        if (search == null) {
            return;
        }
        search.tooBig(datagramSize, nowNanos);
        if (probePacketNumber >= 0 && probeDatagram >= datagramSize) {
            // The probe will never arrive. Where the search took the refusal as a new ceiling it has moved on and
            // ignores this; where it could not (a size it does not search), the refusal counts as the probe's loss.
            int size = probeDatagram;
            forgetProbe();
            search.probeLost(size, nowNanos);
        }
    }

    /** The search, for what it decided so far; null while none may run. */
    PathMtuSearch search() {
        return search;
    }

    private void forgetProbe() {
        probePacketNumber = -1;
        probeDatagram = 0;
        probeDeadlineNanos = Long.MAX_VALUE;
    }
}

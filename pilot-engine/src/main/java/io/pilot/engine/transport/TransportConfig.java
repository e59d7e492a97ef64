package io.pilot.engine.transport;

import java.time.Duration;

/**
 * Immutable tuning knobs of a {@link Connection}; build with {@link #builder()}.
 *
 * <p>There is no transport handshake, so the credit each side may use before it hears from its peer is a protocol
 * constant: {@link #INITIAL_MAX_STREAM_DATA} per stream and {@link #INITIAL_MAX_DATA} per connection. A side configured
 * with larger receive windows announces them with MAX_STREAM_DATA / MAX_DATA frames; smaller windows are rejected
 * because the peer may already have used the initial credit.
 */
public final class TransportConfig {

    /** Stream credit every peer may assume before any MAX_STREAM_DATA (1 MiB). */
    public static final long INITIAL_MAX_STREAM_DATA = 1L << 20;
    /** Connection credit every peer may assume before any MAX_DATA (16 MiB). */
    public static final long INITIAL_MAX_DATA = 16L << 20;
    /** The least {@link #maxReassemblySegments()} can be. */
    public static final int MIN_REASSEMBLY_SEGMENTS = 16_384;
    /** Packet payload budget: 1280-byte IPv6 minimum MTU minus IPv6 (40), UDP (8) and session header+tag (32). */
    public static final int DEFAULT_MAX_PACKET_PAYLOAD = 1200;

    private final int maxPacketPayload;
    private final long streamReceiveWindow;
    private final long connectionReceiveWindow;
    private final int maxIncomingStreams;
    private final long maxAckDelayNanos;
    private final long keepaliveIntervalNanos;
    private final long idleTimeoutNanos;
    private final long unresponsiveTimeoutNanos;
    private final long initialRttNanos;
    private final long minProbeTimeoutNanos;
    private final long staleProbeTimeoutNanos;
    private final int initialWindowPackets;
    private final int minimumWindowPackets;
    private final boolean pacing;
    private final boolean pathMtuDiscovery;
    private final int pacingBurstPackets;
    private final int maxAckRanges;
    private final int maxQueuedDatagrams;
    private final CongestionControl congestionControl;
    private final int streamIdIndexes;

    private TransportConfig(Builder b) {
        this.maxPacketPayload = b.maxPacketPayload;
        this.streamReceiveWindow = b.streamReceiveWindow;
        this.connectionReceiveWindow = b.connectionReceiveWindow;
        this.maxIncomingStreams = b.maxIncomingStreams;
        this.maxAckDelayNanos = b.maxAckDelay.toNanos();
        this.keepaliveIntervalNanos = b.keepaliveInterval.toNanos();
        this.idleTimeoutNanos = b.idleTimeout.toNanos();
        this.unresponsiveTimeoutNanos = b.unresponsiveTimeout.toNanos();
        this.initialRttNanos = b.initialRtt.toNanos();
        this.minProbeTimeoutNanos = b.minProbeTimeout.toNanos();
        this.staleProbeTimeoutNanos = b.staleProbeTimeout.toNanos();
        this.initialWindowPackets = b.initialWindowPackets;
        this.minimumWindowPackets = b.minimumWindowPackets;
        this.pacing = b.pacing;
        this.pathMtuDiscovery = b.pathMtuDiscovery;
        this.pacingBurstPackets = b.pacingBurstPackets;
        this.maxAckRanges = b.maxAckRanges;
        this.maxQueuedDatagrams = b.maxQueuedDatagrams;
        this.congestionControl = b.congestionControl;
        this.streamIdIndexes = b.streamIdIndexes;
    }

    /** How many stream ids each side has before they wrap around ({@link StreamTable}): 2^30 but in tests. */
    int streamIdIndexes() {
        return streamIdIndexes;
    }

    public static TransportConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The base packet payload: what {@link Connection#poll} produces on every path, the congestion controller's
     * datagram size, and the least room {@code poll} needs; larger only on a path {@link #pathMtuDiscovery()}
     * validated ({@link Connection#maxPacketPayload()}).
     */
    public int maxPacketPayload() {
        return maxPacketPayload;
    }

    /** Receive window per stream; credit is refreshed when half of it has been consumed. */
    public long streamReceiveWindow() {
        return streamReceiveWindow;
    }

    /** Receive window for the sum of all streams. */
    public long connectionReceiveWindow() {
        return connectionReceiveWindow;
    }

    /**
     * How many out-of-order segments the connection's streams may hold at once, together: one per 1 KiB of
     * connection receive window, at least {@value #MIN_REASSEMBLY_SEGMENTS} (16 384 with the defaults). A peer's
     * full-size segments (1 175 bytes) never reach it within credit; one-byte segments would hold a million
     * tiny buffers without it. Past it a segment is dropped and its packet left unacknowledged (§5.3 of
     * docs/PROTOCOL.md), so a legitimate peer retransmits it once the gap before it has been filled.
     */
    public int maxReassemblySegments() {
        return (int) Math.max(MIN_REASSEMBLY_SEGMENTS, connectionReceiveWindow >> 10);
    }

    /** Concurrent peer-opened streams; further streams are reset with {@link TransportError#STREAM_REFUSED}. */
    public int maxIncomingStreams() {
        return maxIncomingStreams;
    }

    /** How long an ACK for a single ack-eliciting packet may be delayed; assumed identical on both peers. */
    public long maxAckDelayNanos() {
        return maxAckDelayNanos;
    }

    /** Send a PING after this long without traffic in either direction; 0 disables keepalive. */
    public long keepaliveIntervalNanos() {
        return keepaliveIntervalNanos;
    }

    /** Close with {@link TransportError#IDLE_TIMEOUT} after this long without receiving a packet; 0 disables. */
    public long idleTimeoutNanos() {
        return idleTimeoutNanos;
    }

    /**
     * Close with {@link TransportError#UNRESPONSIVE} when packets that ask for an acknowledgement have gone
     * unanswered this long with nothing at all received meanwhile; 0 disables. Much shorter than the idle
     * timeout: it only runs while this side is waiting for the peer, so a peer that died (its process killed,
     * its host gone) fails requests in flight in seconds, and callers can turn to another provider, instead
     * of every request waiting for its own timeout. Like TCP's user timeout.
     */
    public long unresponsiveTimeoutNanos() {
        return unresponsiveTimeoutNanos;
    }

    /** RTT assumed before the first sample (RFC 9002 recommends 333 ms). */
    public long initialRttNanos() {
        return initialRttNanos;
    }

    /** Floor of the probe timeout before backoff. */
    public long minProbeTimeoutNanos() {
        return minProbeTimeoutNanos;
    }

    /**
     * Floor of the probe timeout before backoff for a packet sent more than {@link RttEstimator#STALE_AFTER_NANOS}
     * after the last round-trip sample (0: none): see {@link LossDetector}.
     */
    public long staleProbeTimeoutNanos() {
        return staleProbeTimeoutNanos;
    }

    public int initialWindowPackets() {
        return initialWindowPackets;
    }

    public int minimumWindowPackets() {
        return minimumWindowPackets;
    }

    public boolean pacing() {
        return pacing;
    }

    /**
     * Whether the connection searches for a datagram size above {@link #maxPacketPayload()} on paths that allow
     * one (DPLPMTUD, {@link PathMtuProbing}); without it every packet stays within the base.
     */
    public boolean pathMtuDiscovery() {
        return pathMtuDiscovery;
    }

    public int pacingBurstPackets() {
        return pacingBurstPackets;
    }

    /** Most ACK ranges kept and reported; older gaps are forgotten (their packets are then treated as duplicates). */
    public int maxAckRanges() {
        return maxAckRanges;
    }

    /** Datagrams waiting for congestion window; {@link Connection#sendDatagram} refuses beyond this. */
    public int maxQueuedDatagrams() {
        return maxQueuedDatagrams;
    }

    /**
     * The congestion controller each connection runs; default {@link CongestionControl#CUBIC}, which gave the most
     * goodput lossless and at 1 % loss on loopback in the quiet run of docs/benchmarks.md section 4 (the BBR-style
     * controller, better only at 5 % loss there, is chosen with {@link CongestionControl#BBR}).
     */
    public CongestionControl congestionControl() {
        return congestionControl;
    }

    /** Mutable builder; every setter validates eagerly. */
    public static final class Builder {
        private int maxPacketPayload = DEFAULT_MAX_PACKET_PAYLOAD;
        private long streamReceiveWindow = INITIAL_MAX_STREAM_DATA;
        private long connectionReceiveWindow = INITIAL_MAX_DATA;
        private int maxIncomingStreams = 10_000;
        private Duration maxAckDelay = Duration.ofMillis(10);
        private Duration keepaliveInterval = Duration.ofSeconds(15);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration unresponsiveTimeout = Duration.ofSeconds(10);
        private Duration initialRtt = Duration.ofMillis(333);
        private Duration minProbeTimeout = Duration.ofMillis(1);
        private Duration staleProbeTimeout = Duration.ofMillis(200);
        private int initialWindowPackets = 10;
        private int minimumWindowPackets = 2;
        private boolean pacing = true;
        private boolean pathMtuDiscovery = true;
        private int pacingBurstPackets = 10;
        private int maxAckRanges = 32;
        private int maxQueuedDatagrams = 1024;
        private int streamIdIndexes = StreamTable.ID_INDEXES;
        private CongestionControl congestionControl = CongestionControl.CUBIC;

        private Builder() {
        }

        public Builder maxPacketPayload(int bytes) {
            require(bytes >= 128 && bytes <= 65_507, "maxPacketPayload must be in [128, 65507]");
            this.maxPacketPayload = bytes;
            return this;
        }

        public Builder streamReceiveWindow(long bytes) {
            require(bytes >= INITIAL_MAX_STREAM_DATA && bytes <= (1L << 40), "streamReceiveWindow out of range");
            this.streamReceiveWindow = bytes;
            return this;
        }

        public Builder connectionReceiveWindow(long bytes) {
            require(bytes >= INITIAL_MAX_DATA && bytes <= (1L << 40), "connectionReceiveWindow out of range");
            this.connectionReceiveWindow = bytes;
            return this;
        }

        public Builder maxIncomingStreams(int streams) {
            require(streams >= 0, "maxIncomingStreams must be >= 0");
            this.maxIncomingStreams = streams;
            return this;
        }

        public Builder maxAckDelay(Duration d) {
            require(!d.isNegative() && d.toMillis() <= 1000, "maxAckDelay must be in [0, 1s]");
            this.maxAckDelay = d;
            return this;
        }

        public Builder keepaliveInterval(Duration d) {
            require(!d.isNegative(), "keepaliveInterval must be >= 0");
            this.keepaliveInterval = d;
            return this;
        }

        public Builder unresponsiveTimeout(Duration d) {
            require(!d.isNegative(), "unresponsiveTimeout must be >= 0");
            this.unresponsiveTimeout = d;
            return this;
        }

        public Builder idleTimeout(Duration d) {
            require(!d.isNegative(), "idleTimeout must be >= 0");
            this.idleTimeout = d;
            return this;
        }

        public Builder initialRtt(Duration d) {
            require(d.toNanos() > 0, "initialRtt must be > 0");
            this.initialRtt = d;
            return this;
        }

        public Builder minProbeTimeout(Duration d) {
            require(!d.isNegative(), "minProbeTimeout must be >= 0");
            this.minProbeTimeout = d;
            return this;
        }

        /**
         * The shortest probe timeout for a packet sent after more than a second without a round-trip sample (an
         * idle connection's first request, a keepalive): the estimate says how fast the peer answered then, not now
         * (a backbone whose socket queue holds many clients' datagrams answers hundreds of times slower than its
         * idle round trip, and each probe adds to that queue). Like Linux's minimum TCP RTO. 200 ms by default; 0
         * turns it off. Whether it applies is decided for the packet a run of probe timeouts starts from, not per
         * probe (LossDetector: per probe, it once put a probe 13 s off in the middle of a run).
         */
        public Builder staleProbeTimeout(Duration d) {
            require(!d.isNegative() && d.toMillis() <= 60_000, "staleProbeTimeout must be in [0, 60s]");
            this.staleProbeTimeout = d;
            return this;
        }

        public Builder initialWindowPackets(int packets) {
            require(packets >= 2, "initialWindowPackets must be >= 2");
            this.initialWindowPackets = packets;
            return this;
        }

        public Builder minimumWindowPackets(int packets) {
            require(packets >= 1, "minimumWindowPackets must be >= 1");
            this.minimumWindowPackets = packets;
            return this;
        }

        public Builder pacing(boolean enabled) {
            this.pacing = enabled;
            return this;
        }

        public Builder pathMtuDiscovery(boolean enabled) {
            this.pathMtuDiscovery = enabled;
            return this;
        }

        public Builder pacingBurstPackets(int packets) {
            require(packets >= 1, "pacingBurstPackets must be >= 1");
            this.pacingBurstPackets = packets;
            return this;
        }

        public Builder maxAckRanges(int ranges) {
            require(ranges >= 1 && ranges <= 255, "maxAckRanges must be in [1, 255]");
            this.maxAckRanges = ranges;
            return this;
        }

        public Builder maxQueuedDatagrams(int datagrams) {
            require(datagrams >= 0, "maxQueuedDatagrams must be >= 0");
            this.maxQueuedDatagrams = datagrams;
            return this;
        }

        /**
         * Fewer stream ids per side than the wire's 2^30 (a power of two), so that a test sees them wrap around after
         * a few streams; not public: both ends of a connection must use the same.
         */
        Builder streamIdIndexes(int indexes) {
            require(indexes >= 2 && indexes <= StreamTable.ID_INDEXES && Integer.bitCount(indexes) == 1,
                    "streamIdIndexes must be a power of two in [2, 2^30]");
            this.streamIdIndexes = indexes;
            return this;
        }

        public Builder congestionControl(CongestionControl controller) {
            require(controller != null, "congestionControl must not be null");
            this.congestionControl = controller;
            return this;
        }

        public TransportConfig build() {
            require(minimumWindowPackets <= initialWindowPackets, "minimumWindowPackets > initialWindowPackets");
            require(FrameCodec.ackFrameSize(maxAckRanges) + FrameCodec.PACKET_HEADER_SIZE + FrameCodec.STREAM_HEADER_SIZE
                    + Connection.IMMEDIATE_ACK_ROOM < maxPacketPayload, "maxAckRanges too large for maxPacketPayload");
            return new TransportConfig(this);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}

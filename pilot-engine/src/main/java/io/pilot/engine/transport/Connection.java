package io.pilot.engine.transport;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reliable transport of one peer session, in the style of QUIC (RFC 9000/9002) but without handshake or
 * encryption, which the session layer below provides.
 *
 * <h2>Sans-IO</h2>
 * The connection owns no socket, thread or clock. The caller feeds decrypted packet payloads to
 * {@link #receive}, drains outgoing payloads with {@link #poll} until it returns 0 (after every receive, timeout or
 * API call), and calls {@link #onTimeout} at {@link #nextDeadlineNanos()}. Every call takes the current time from one
 * monotonic clock in nanoseconds.
 *
 * <h2>Threading</h2>
 * Not thread-safe. A connection, its streams and its handlers are confined to one thread (typically the event loop
 * that owns the session); every method, including {@link Stream} methods, must be called from it. Handlers run
 * synchronously inside {@code receive}, {@code onTimeout} and {@code close} and may call back into the connection.
 *
 * <h2>Invalid input</h2>
 * <ul>
 *   <li>Payloads that do not parse (a packet number of 2^62 or more, truncated frame, unknown frame type, missing
 *   frames, field out of range) are
 *   dropped as a whole before any frame is applied and counted in {@link ConnectionStats#malformedPackets()}.</li>
 *   <li>Duplicate and too-old packet numbers are dropped and counted in {@link ConnectionStats#duplicatePackets()}.
 *   </li>
 *   <li>Well-formed packets that break the protocol close the connection with a CLOSE frame:
 *   {@link TransportError#PROTOCOL_VIOLATION} for an ACK of a never-sent or a skipped packet number
 *   ({@link SkippedPacketNumbers}), a frame for a locally-initiated
 *   stream that was never opened, or a changed final size; {@link TransportError#FLOW_CONTROL_ERROR} for data beyond
 *   stream or connection credit. Frames before the offending one in the same packet have been applied, which is
 *   harmless because the connection is then closed for good.</li>
 *   <li>Stream data ahead of a gap is buffered once (overlaps trimmed), within the stream's credit; when the
 *   connection's streams already hold {@link TransportConfig#maxReassemblySegments()} such segments, the packet is
 *   processed but not acknowledged, so the peer sends its data again later; counted in
 *   {@link ConnectionStats#unacknowledgedPackets()}.</li>
 *   <li>An exception thrown by a handler closes the connection with {@link TransportError#INTERNAL_ERROR}.</li>
 *   <li>Anything received after close is dropped and counted in {@link ConnectionStats#droppedPackets()}.</li>
 * </ul>
 *
 * <h2>Scheduling</h2>
 * Each packet carries, in order: an ACK if one is due (or piggybacked when data goes out anyway), credit updates
 * and resets, a keepalive PING if needed, queued datagrams, then STREAM frames taken round-robin, one frame per
 * stream per turn, so a huge transfer cannot starve small requests; last, a PING asking for an immediate ACK where
 * this side must wait for one after the packet ({@code waitsForAck}), else a PADDING byte if the packet is one byte
 * short of full (the last byte is kept for that PING). Lost data is re-queued per stream and goes out before that
 * stream's new data. Ack-eliciting packets respect the congestion window and the pacer; ACK-only and CLOSE packets do
 * not, nor do probes after a probe timeout.
 *
 * <h2>Parts</h2>
 * This class is the face: lifecycle, receive and dispatch, the packet's header, ACK and probes, timers and close.
 * {@link StreamTable} keeps the streams by id; {@link StreamFrameApplier} applies the peer's stream frames;
 * {@link ReceiveCredit} is connection-level receive flow control; {@link PacketAssembler} fills the ack-eliciting
 * part of each packet from its queues; {@link SentFrameRouter} routes ACK and loss of what was sent back to its
 * source. {@link AckTracker}, {@link LossDetector}, {@link RttEstimator}, the {@link CongestionController} that
 * {@link TransportConfig#congestionControl()} names and {@link Pacer} do acknowledgement, loss recovery and congestion
 * control.
 */
public final class Connection {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final int PROBE_PACKETS = 2;
    /**
     * A flight of at least this many ack-eliciting packets asks for an immediate ACK with its last packet (see
     * {@code waitsForAck}). Shorter flights do not: the reply to a request usually carries the ACK, and asking for a
     * separate one would cost every call a packet.
     */
    static final int LONG_FLIGHT_PACKETS = 4;
    /**
     * The last byte of every packet is kept for a PING asking for an immediate ACK (padding when none is asked for),
     * so that a lost full packet's data, sent again as a flight's tail, still fits one packet with its PING.
     */
    static final int IMMEDIATE_ACK_ROOM = 1;

    private final TransportConfig config;
    private final ConnectionHandler handler;
    private final AckTracker ackTracker;
    private final RttEstimator rtt;
    private final BelowFloorPacing congestion;
    private final Pacer pacer;
    private final LossDetector lossDetector;

    private final StreamTable streams;
    private final ReceiveCredit receiveCredit;
    private final ReassemblyBudget reassembly;
    private final PacketAssembler assembler;
    private final StreamFrameApplier streamFrames;
    private final SkippedPacketNumbers skipped;
    private final PathMtuProbing pathMtu;
    /** The frames of the packet being received; reused, since frames die with their packet. */
    private final List<Frame> frames = new ArrayList<>();

    private long nextPacketNumber;
    /** The datagram size the congestion controller and the pacer count their packets in. */
    private int controlledDatagramSize;

    private int probesPending;
    /** Ack-eliciting packets sent since the send queues were last found empty: the flight so far. */
    private int flightPackets;
    private long pacerDeadline = Long.MAX_VALUE;
    private long lastSentNanos;
    private long lastReceivedNanos;
    /** When the first ack-eliciting packet since the last packet received was sent; MAX_VALUE if none. */
    private long awaitingAnswerSinceNanos = Long.MAX_VALUE;

    private CloseReason closeReason;
    private boolean closeFramePending;

    private long packetsSent;
    private long bytesSent;
    private long packetsReceived;
    private long bytesReceived;
    private long retransmittedPackets;
    private long malformedPackets;
    private long duplicatePackets;
    private long droppedPackets;
    private long unacknowledgedPackets;
    private long probeTimeouts;
    /** Whether the packet being received carried stream data that found no room for reassembly. */
    private boolean unbufferedData;
    /** Whether the packet being received carried a PING, which asks for an immediate ACK. */
    private boolean pingReceived;

    /**
     * @param evenStreamIds true if this side opens even stream ids (the peer must pass false)
     */
    public Connection(TransportConfig config, boolean evenStreamIds, ConnectionHandler handler, long nowNanos) {
        this(config, evenStreamIds, handler, nowNanos, new SkippedPacketNumbers(), RandomGenerator.getDefault());
    }

    /**
     * A connection whose chance is given: which packet numbers it skips and, for the BBR-style controller, its
     * random probing phases. Only simulations pass seeded ones, so that a run on a virtual clock repeats exactly;
     * every real connection draws them afresh ({@link SkippedPacketNumbers} from {@code SecureRandom}), or a peer
     * could predict the skips.
     */
    Connection(TransportConfig config, boolean evenStreamIds, ConnectionHandler handler, long nowNanos,
               SkippedPacketNumbers skipped, RandomGenerator random) {
        this.config = config;
        this.skipped = skipped;
        this.handler = handler;
        this.reassembly = new ReassemblyBudget(config.maxReassemblySegments());
        this.streams = new StreamTable(this, evenStreamIds, config.maxIncomingStreams(), config.streamIdIndexes(),
                2 * config.unresponsiveTimeoutNanos());
        this.receiveCredit = new ReceiveCredit(config.connectionReceiveWindow());
        this.assembler = new PacketAssembler(receiveCredit, config.maxQueuedDatagrams(), config.maxPacketPayload());
        this.streamFrames = new StreamFrameApplier(this, handler, streams, assembler, receiveCredit,
                config.streamReceiveWindow());
        this.ackTracker = new AckTracker(config.maxAckDelayNanos(), config.maxAckRanges());
        this.rtt = new RttEstimator(config.initialRttNanos(), config.maxAckDelayNanos(), config.minProbeTimeoutNanos());
        // Below the floor only a window-based controller with a pacer to slow down: BBR paces at its own model.
        this.congestion = new BelowFloorPacing(config.congestionControl().create(config, rtt, random),
                config.maxPacketPayload(), rtt, config.pacing() && config.congestionControl() != CongestionControl.BBR);
        this.pacer = new Pacer(config.pacingBurstPackets(), config.maxPacketPayload(), nowNanos);
        this.pathMtu = new PathMtuProbing(config.maxPacketPayload(), config.pathMtuDiscovery());
        this.lossDetector = new LossDetector(rtt, congestion, config.maxAckDelayNanos(), config.staleProbeTimeoutNanos(),
                new SentFrameRouter(streams, assembler, receiveCredit));
        this.controlledDatagramSize = config.maxPacketPayload();
        this.lastSentNanos = nowNanos;
        this.lastReceivedNanos = nowNanos;
    }

    // ------------------------------------------------------------------ application API

    /** The latest time the connection was driven at (a packet received or sent): its clock between calls. */
    long lastDrivenNanos() {
        return Math.max(lastSentNanos, lastReceivedNanos);
    }

    /**
     * Opens a stream to {@code destPort}. Nothing is sent until data is written or the stream is finished.
     *
     * @throws IllegalStateException if the connection is closed
     */
    public Stream openStream(int destPort) {
        checkPort(destPort);
        if (closeReason != null) {
            throw new IllegalStateException("connection closed");
        }
        return streams.openLocal(destPort);
    }

    /**
     * Queues an unreliable datagram (copied). It is sent once, subject to the congestion window, and never
     * retransmitted.
     *
     * @return false if it cannot fit in one packet, the datagram queue is full, or the connection is closed
     */
    public boolean sendDatagram(int port, ByteBuffer data) {
        checkPort(port);
        return closeReason == null && assembler.queueDatagram(port, data);
    }

    /**
     * The probe timeout's floor while the connection's packets ride a reliable, ordered bearer (a WebSocket over
     * TCP): the bearer already retransmits what its link loses, with a minimum retransmission timeout of 200 ms
     * on Linux; probing sooner only duplicates packets that TCP holds back behind a loss (head-of-line delay).
     */
    public static final long RELIABLE_BEARER_PTO_FLOOR_NANOS = 200_000_000L;

    /**
     * Tells the connection whether its packets ride a reliable bearer now (docs/reach.md): the probe timeout is
     * then at least {@link #RELIABLE_BEARER_PTO_FLOOR_NANOS}. Loss detection needs no other change: TCP delivers
     * in order and loses nothing, so no packet is declared lost by the packet threshold and the window is not
     * cut; what is still lost (a WebSocket past its send buffer, the UDP leg of a relayed pair) is real loss.
     */
    public void carriedReliably(boolean reliable) {
        rtt.bearerFloor(reliable ? RELIABLE_BEARER_PTO_FLOOR_NANOS : 0);
    }

    /**
     * Tells the connection which path its packets take now (an address: compared with equals), the largest
     * datagram that path may carry as far as this node knows ({@code largestDatagram}: the base when it cannot
     * tell, e.g. without the don't-fragment bit) and what the layer below adds to each packet ({@code overhead}).
     * When that is more than the base, the connection searches for the size the path carries (DPLPMTUD,
     * {@link PathMtuProbing}); any change starts over at the base. Cheap when nothing changed.
     */
    public void datagramPath(Object path, int largestDatagram, int overhead) {
        pathMtu.path(path, largestDatagram, overhead);
    }

    /**
     * As {@link #datagramPath(Object, int, int)}, on a path where {@code extraProbes} more probes of a size may be
     * lost before it counts as too large: a relayed path, where the relay and the receiver may each drop the first
     * larger datagram while their receive buffers grow.
     */
    public void datagramPath(Object path, int largestDatagram, int overhead, int extraProbes) {
        pathMtu.path(path, largestDatagram, overhead, extraProbes);
    }

    /** The local stack refused a datagram of {@code datagramSize} bytes (EMSGSIZE): the path carries nothing that large. */
    public void datagramTooBig(int datagramSize, long nowNanos) {
        pathMtu.tooBig(datagramSize, nowNanos);
    }

    /**
     * The largest packet payload {@link #poll} produces now, the room it needs: the base
     * ({@link TransportConfig#maxPacketPayload()}) or what the path was found to carry. A packet of this length is
     * full; a longer one is a path MTU probe.
     */
    public int maxPacketPayload() {
        return pathMtu.maxPayload();
    }

    /**
     * Closes the connection: one CLOSE frame is emitted by the next {@link #poll}, then nothing. Calls
     * {@link ConnectionHandler#onClosed} (remote = false). No effect if already closed.
     */
    public void close(int errorCode, String reason) {
        closeWith(new CloseReason(errorCode, reason == null ? "" : reason, false), true);
    }

    /**
     * Closes the connection because the peer says it has already ended it on its side (without a CLOSE frame: the
     * peer would not know what it belongs to). Calls {@link ConnectionHandler#onClosed} (remote = true). No effect if
     * already closed.
     */
    public void endedByPeer(String reason) {
        closeWith(new CloseReason(TransportError.NO_ERROR, reason, true), false);
    }

    public boolean isClosed() {
        return closeReason != null;
    }

    /** Why the connection closed, or null while open. */
    public CloseReason closeReason() {
        return closeReason;
    }

    /**
     * When the first ack-eliciting packet sent since the last packet received went out; {@link Long#MAX_VALUE} when
     * nothing sent since then asks for an answer. A live peer acknowledges such a packet within its ack delay, so a
     * time long past says the peer has not been heard since: the session layer's stale rule reads it.
     */
    public long awaitingAnswerSinceNanos() {
        return awaitingAnswerSinceNanos;
    }

    /** The smoothed RTT, 0 before the first sample: what {@link #stats()} says, without a copy of every counter. */
    public long smoothedRttNanos() {
        return rtt.hasSample() ? rtt.smoothed() : 0;
    }

    public ConnectionStats stats() {
        return new ConnectionStats(packetsSent, bytesSent, packetsReceived, bytesReceived, retransmittedPackets,
                lossDetector.lostPackets(), rtt.smoothed(), rtt.variance(), rtt.min(), congestion.window(),
                lossDetector.bytesInFlight(), malformedPackets, duplicatePackets, droppedPackets, streams.size(),
                reassembly.bytes(), reassembly.segments(), unacknowledgedPackets, config.congestionControl(),
                config.pacing() ? (long) (congestion.pacingRate(rtt.smoothed()) * 1e9) : 0, pathMtu.maxPayload(),
                probeTimeouts, congestion.trials(), congestion.caps());
    }

    // ------------------------------------------------------------------ inbound

    /**
     * Processes one decrypted packet payload (position to limit; the buffer is consumed and may be reused once this
     * returns). Never throws for bad input; see the class documentation for what happens to it.
     */
    public void receive(ByteBuffer payload, long nowNanos) {
        if (closeReason != null) {
            droppedPackets++;
            return;
        }
        int size = payload.remaining();
        if (size < FrameCodec.PACKET_HEADER_SIZE) {
            malformedPackets++;
            return;
        }
        long packetNumber = payload.getLong();
        try {
            if (packetNumber < 0 || packetNumber >= FrameCodec.MAX_PACKET_NUMBER) {
                throw new FrameCodec.MalformedException("packet number " + Long.toUnsignedString(packetNumber)
                        + " >= 2^62");
            }
            FrameCodec.decode(payload, frames);
        } catch (FrameCodec.MalformedException e) {
            malformedPackets++;
            frames.clear();
            log.debug("dropping malformed packet: {}", e.getMessage());
            return;
        }
        if (ackTracker.isDuplicate(packetNumber)) {
            duplicatePackets++;
            frames.clear();
            return;
        }
        packetsReceived++;
        bytesReceived += size;
        lastReceivedNanos = nowNanos;
        awaitingAnswerSinceNanos = Long.MAX_VALUE;
        boolean ackEliciting = false;
        unbufferedData = false;
        pingReceived = false;
        try {
            for (int i = 0; i < frames.size() && closeReason == null; i++) {
                ackEliciting |= apply(frames.get(i), nowNanos);
            }
        } catch (RuntimeException e) {
            log.warn("closing connection after exception while processing a packet", e);
            closeWith(new CloseReason(TransportError.INTERNAL_ERROR, "internal error: " + e, false), true);
        } finally {
            frames.clear();
        }
        if (closeReason != null) {
            return;
        }
        if (unbufferedData) {
            // Stream data was dropped for want of reassembly room: left unacknowledged, the packet's frames come
            // again (every frame but DATAGRAM, which is never resent, is idempotent to apply twice).
            unacknowledgedPackets++;
        } else {
            ackTracker.onPacketReceived(packetNumber, ackEliciting, pingReceived, nowNanos);
        }
    }

    /** Applies one frame; returns whether it is ack-eliciting. */
    private boolean apply(Frame frame, long nowNanos) {
        if (frame instanceof Frame.StreamData f) {
            unbufferedData |= !streamFrames.onStreamData(f);
        } else if (frame instanceof Frame.Ack f) {
            long skippedNumber;
            if (f.largest() >= nextPacketNumber) {
                violation(TransportError.PROTOCOL_VIOLATION, "ACK of unsent packet " + f.largest());
            } else if ((skippedNumber = skipped.acknowledgedIn(f.ranges())) >= 0) {
                violation(TransportError.PROTOCOL_VIOLATION, "ACK of skipped packet number " + skippedNumber);
            } else {
                lossDetector.onAck(f, nowNanos);
                pathMtu.onAck(f.ranges(), nowNanos);
            }
            return false;
        } else if (frame instanceof Frame.MaxData f) {
            assembler.onMaxData(f.maximum());
        } else if (frame instanceof Frame.MaxStreamData f) {
            streamFrames.onMaxStreamData(f);
        } else if (frame instanceof Frame.ResetStream f) {
            streamFrames.onResetStream(f);
        } else if (frame instanceof Frame.Datagram f) {
            handler.onDatagram(f.port(), f.data());
        } else if (frame instanceof Frame.Close f) {
            closeWith(new CloseReason(f.errorCode(), f.reason(), true), false);
            return false;
        } else if (frame instanceof Frame.Ping) {
            pingReceived = true;
        }
        return true;
    }

    // ------------------------------------------------------------------ outbound

    /**
     * Writes the next packet payload into {@code out} (which needs {@link #maxPacketPayload()} bytes remaining) and
     * returns its length, or returns 0 if nothing may be sent now. A path MTU probe, longer, goes out only when
     * {@code out} has room for it.
     */
    public int poll(long nowNanos, ByteBuffer out) {
        int maxPayload = pathMtu.maxPayload();
        if (out.remaining() < maxPayload) {
            throw new IllegalArgumentException("out needs " + maxPayload + " bytes remaining");
        }
        if (maxPayload != controlledDatagramSize) {
            // The path's datagram size changed since the last packet: windows and bursts count packets of the new size.
            controlledDatagramSize = maxPayload;
            congestion.onDatagramSizeChanged(maxPayload);
            pacer.packetSize(maxPayload);
        }
        int start = out.position();
        int limit = start + maxPayload;
        if (closeReason != null) {
            if (!closeFramePending) {
                return 0;
            }
            closeFramePending = false;
            nextPacketNumber = skipped.next(nextPacketNumber);
            out.putLong(nextPacketNumber);
            FrameCodec.writeClose(out, closeReason.code(), closeReason.message(), limit - out.position());
            return recordSent(nowNanos, start, out, false, false);
        }
        int mtuProbe = pathMtu.probeDue(nowNanos, out.remaining());
        if (mtuProbe > 0) {
            return sendMtuProbe(nowNanos, start, out, mtuProbe);
        }
        // Probes after a probe timeout ignore the window and, as a rule, the pacer; not while the sender is paced below
        // its window's floor (BelowFloorPacing): there, unpaced probes alone would overrun the policer it is sharing.
        boolean probe = probesPending > 0 && (!congestion.capped() || pacerReleases(nowNanos));
        boolean hasWork = assembler.hasAckElicitingWork();
        if (!hasWork) {
            flightPackets = 0;
            if (lossDetector.bytesInFlight() < congestion.window()) {
                congestion.onApplicationLimited(lossDetector.bytesInFlight());
            }
        }
        boolean mayFill = hasWork && (probe || mayFillNow(nowNanos));
        boolean ackDue = ackTracker.ackDue(nowNanos);
        if (!mayFill && !ackDue && !probe) {
            return 0;
        }
        nextPacketNumber = skipped.next(nextPacketNumber);
        out.putLong(nextPacketNumber);
        if (ackDue || (mayFill && ackTracker.hasUnacknowledged())) {
            ackTracker.writeAck(out, nowNanos);
        }
        assembler.startPacket();
        boolean ackEliciting = mayFill && assembler.fill(out, limit - IMMEDIATE_ACK_ROOM);
        if (assembler.retransmits()) {
            retransmittedPackets++;
        }
        if (probe) {
            probesPending--;
        }
        boolean asksImmediateAck = assembler.wrotePing();
        if (!asksImmediateAck && (probe || ackEliciting && waitsForAck(out.position() - start))) {
            out.put((byte) FrameCodec.PING);
            ackEliciting = true;
            asksImmediateAck = true;
        }
        if (out.position() - start == FrameCodec.PACKET_HEADER_SIZE) {
            out.position(start);
            return 0;
        }
        if (out.position() == limit - IMMEDIATE_ACK_ROOM) {
            out.put((byte) FrameCodec.PADDING); // still a full packet, which batching and the MTU search count on
        }
        return recordSent(nowNanos, start, out, ackEliciting, asksImmediateAck);
    }

    /**
     * Counts the packet being assembled into the flight and tells whether it should ask for an immediate ACK (a PING),
     * because after it this side cannot send until an ACK comes: the window is full with it, or the send queues are
     * empty after it and it ends a long flight ({@link #LONG_FLIGHT_PACKETS}), carries data sent again or gives the
     * peer credit. Its probe timeout then leaves out the peer's max_ack_delay. Otherwise the last packet of a window
     * or of a flight, alone and in order at the peer, is acknowledged only by the peer's delayed-ACK alarm (10 ms by
     * default) and, if it was lost, found out only by a probe timeout that waits for that alarm too: under random
     * loss nearly every long transfer loses part of its tail, and a window cut after a loss is soon full. The price is
     * more ACKs while the window limits the sender: measured on the simulated network, 9 % more packets from the
     * receiver on a 10 ms path through a queue, 25 % more at 5 % loss; asking at most once per RTT kept most of them
     * but gave back most of the gain (a 16 MiB transfer at 5 % loss on a loopback-like path: 26.4 ms against 19.8).
     *
     * @param length the packet's length so far
     */
    private boolean waitsForAck(int length) {
        flightPackets++;
        if (assembler.hasAckElicitingWork()) {
            return lossDetector.bytesInFlight() + length + IMMEDIATE_ACK_ROOM >= congestion.window();
        }
        boolean ask = flightPackets >= LONG_FLIGHT_PACKETS || assembler.retransmits() || assembler.grantsCredit();
        flightPackets = 0;
        return ask;
    }

    /**
     * A PING padded to {@code size}: outside the congestion window and not in flight (its loss is no congestion and
     * loses nothing), acknowledged like any ack-eliciting packet ({@link PathMtuProbing}).
     */
    private int sendMtuProbe(long nowNanos, int start, ByteBuffer out, int size) {
        nextPacketNumber = skipped.next(nextPacketNumber);
        long packetNumber = nextPacketNumber;
        out.putLong(packetNumber);
        out.put((byte) FrameCodec.PING);
        while (out.position() - start < size) {
            out.put((byte) FrameCodec.PADDING);
        }
        pathMtu.probeSent(packetNumber, size, nowNanos, rtt.pto());
        return recordSent(nowNanos, start, out, false, false);
    }

    private boolean mayFillNow(long nowNanos) {
        long window = congestion.window();
        if (lossDetector.bytesInFlight() >= window) {
            if (probesPending == 0) {
                pacerDeadline = Long.MAX_VALUE; // an ACK, not the pacer, opens the window; a paced probe keeps its time
            }
            return false;
        }
        return pacerReleases(nowNanos);
    }

    /** Whether the pacer lets a full packet out now; if not, arms {@link #pacerDeadline} for when it will. */
    private boolean pacerReleases(long nowNanos) {
        if (!config.pacing()) {
            return true;
        }
        long release = pacer.releaseTime(nowNanos, pathMtu.maxPayload(), congestion.pacingRate(rtt.smoothed()));
        pacerDeadline = release > nowNanos ? release : Long.MAX_VALUE;
        return release <= nowNanos;
    }

    private int recordSent(long nowNanos, int start, ByteBuffer out, boolean ackEliciting, boolean asksImmediateAck) {
        int length = out.position() - start;
        long packetNumber = nextPacketNumber++;
        packetsSent++;
        bytesSent += length;
        lastSentNanos = nowNanos;
        pathMtu.onPacketSent(length);
        if (ackEliciting) {
            awaitingAnswerSinceNanos = Math.min(awaitingAnswerSinceNanos, nowNanos);
            lossDetector.onPacketSent(new SentPacket(packetNumber, nowNanos, length, assembler.sentFrames()),
                    asksImmediateAck);
            if (config.pacing()) {
                pacer.onPacketSent(nowNanos, length, congestion.pacingRate(rtt.smoothed()));
            }
        }
        return length;
    }

    /** {@link Stream#write} and {@link Stream#finish}: queue the stream for sending. */
    void schedule(Stream s) {
        assembler.schedule(s);
    }

    /** What the connection's streams hold out of order, together. */
    ReassemblyBudget reassembly() {
        return reassembly;
    }

    /** {@link Stream#reset(int)}: abort both directions. */
    void resetLocally(Stream s, int code) {
        streamFrames.resetLocally(s, code);
    }

    // ------------------------------------------------------------------ timers

    /** When {@link #onTimeout} must be called next, or {@link Long#MAX_VALUE} if no timer is armed. */
    public long nextDeadlineNanos() {
        if (closeReason != null) {
            return Long.MAX_VALUE;
        }
        long deadline = Math.min(Math.min(lossDetector.deadline(), ackTracker.deadline()), pathMtu.deadline());
        if (config.idleTimeoutNanos() > 0) {
            deadline = Math.min(deadline, lastReceivedNanos + config.idleTimeoutNanos());
        }
        if (config.unresponsiveTimeoutNanos() > 0 && awaitingAnswerSinceNanos != Long.MAX_VALUE) {
            deadline = Math.min(deadline, awaitingAnswerSinceNanos + config.unresponsiveTimeoutNanos());
        }
        if (config.keepaliveIntervalNanos() > 0 && !assembler.pingPending()) {
            deadline = Math.min(deadline, Math.max(lastSentNanos, lastReceivedNanos) + config.keepaliveIntervalNanos());
        }
        if (assembler.hasAckElicitingWork() || probesPending > 0) {
            deadline = Math.min(deadline, pacerDeadline);
        }
        return deadline;
    }

    /** Runs every timer that expired by {@code nowNanos}; follow with {@link #poll} until it returns 0. */
    public void onTimeout(long nowNanos) {
        if (closeReason != null) {
            return;
        }
        if (config.idleTimeoutNanos() > 0 && nowNanos - lastReceivedNanos >= config.idleTimeoutNanos()) {
            closeWith(new CloseReason(TransportError.IDLE_TIMEOUT, "idle timeout", false), false);
            return;
        }
        if (config.unresponsiveTimeoutNanos() > 0 && awaitingAnswerSinceNanos != Long.MAX_VALUE
                && nowNanos - awaitingAnswerSinceNanos >= config.unresponsiveTimeoutNanos()) {
            closeWith(new CloseReason(TransportError.UNRESPONSIVE, "no answer from the peer for "
                    + config.unresponsiveTimeoutNanos() / 1_000_000 + " ms", false), false);
            return;
        }
        pathMtu.onTimeout(nowNanos);
        if (lossDetector.onTimeout(nowNanos)) {
            probesPending = PROBE_PACKETS;
            probeTimeouts++;
        }
        if (config.keepaliveIntervalNanos() > 0
                && nowNanos - Math.max(lastSentNanos, lastReceivedNanos) >= config.keepaliveIntervalNanos()) {
            assembler.requestPing();
        }
        if (pacerDeadline <= nowNanos) {
            pacerDeadline = Long.MAX_VALUE;
        }
    }

    // ------------------------------------------------------------------ closing

    /** Closes after a frame that breaks the protocol, telling the peer why. */
    void violation(int code, String message) {
        log.debug("protocol violation, closing: {}", message);
        closeWith(new CloseReason(code, message, false), true);
    }

    private void closeWith(CloseReason reason, boolean sendFrame) {
        if (closeReason != null) {
            return;
        }
        closeReason = reason;
        closeFramePending = sendFrame;
        streams.freeAll();
        assembler.clear();
        handler.onClosed(reason);
    }

    // ------------------------------------------------------------------ helpers

    private static void checkPort(int port) {
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}

package io.pilot.engine.transport;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 *   <li>Payloads that do not parse (truncated frame, unknown frame type, missing frames, field out of range) are
 *   dropped as a whole before any frame is applied and counted in {@link ConnectionStats#malformedPackets()}.</li>
 *   <li>Duplicate and too-old packet numbers are dropped and counted in {@link ConnectionStats#duplicatePackets()}.
 *   </li>
 *   <li>Well-formed packets that break the protocol close the connection with a CLOSE frame:
 *   {@link TransportError#PROTOCOL_VIOLATION} for an ACK of a never-sent packet, a frame for a locally-initiated
 *   stream that was never opened, or a changed final size; {@link TransportError#FLOW_CONTROL_ERROR} for data beyond
 *   stream or connection credit. Frames before the offending one in the same packet have been applied, which is
 *   harmless because the connection is then closed for good.</li>
 *   <li>An exception thrown by a handler closes the connection with {@link TransportError#INTERNAL_ERROR}.</li>
 *   <li>Anything received after close is dropped and counted in {@link ConnectionStats#droppedPackets()}.</li>
 * </ul>
 *
 * <h2>Scheduling</h2>
 * Each packet carries, in order: an ACK if one is due (or piggybacked when data goes out anyway), credit updates
 * and resets, a PING if needed, queued datagrams, then STREAM frames taken round-robin, one frame per stream per
 * turn, so a huge transfer cannot starve small requests. Lost data is re-queued per stream and goes out before that
 * stream's new data. Ack-eliciting packets respect the congestion window and the pacer; ACK-only and CLOSE packets do
 * not, nor do probes after a probe timeout.
 */
public final class Connection {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final int PROBE_PACKETS = 2;

    private final TransportConfig config;
    private final ConnectionHandler handler;
    private final boolean evenStreamIds;
    private final AckTracker ackTracker;
    private final RttEstimator rtt;
    private final NewReno congestion;
    private final Pacer pacer;
    private final LossDetector lossDetector;

    private final Map<Integer, Stream> streams = new HashMap<>();
    private final RangeSet peerStreamsSeen = new RangeSet();
    static final int MAX_STREAM_ID_GAPS = 4096;
    private final ArrayDeque<Stream> sendQueue = new ArrayDeque<>();
    private final ArrayDeque<Stream> blockedOnConnection = new ArrayDeque<>();
    private final ArrayDeque<Stream> controlQueue = new ArrayDeque<>();
    private final ArrayDeque<QueuedDatagram> datagrams = new ArrayDeque<>();
    private final List<Frame> frames = new ArrayList<>();
    private final List<SentFrame> sentFrames = new ArrayList<>();

    private int nextLocalStreamId;
    private int incomingStreams;
    private long nextPacketNumber;

    private long sendLimit = TransportConfig.INITIAL_MAX_DATA;
    private long sendUsed;
    private long receiveLimit = TransportConfig.INITIAL_MAX_DATA;
    private long receiveHighest;
    private long receiveConsumed;
    private boolean maxDataPending;

    private boolean pingPending;
    private int probesPending;
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

    /**
     * @param evenStreamIds true if this side opens even stream ids (the peer must pass false)
     */
    public Connection(TransportConfig config, boolean evenStreamIds, ConnectionHandler handler, long nowNanos) {
        this.config = config;
        this.handler = handler;
        this.evenStreamIds = evenStreamIds;
        this.nextLocalStreamId = evenStreamIds ? 0 : 1;
        this.ackTracker = new AckTracker(config.maxAckDelayNanos(), config.maxAckRanges());
        this.rtt = new RttEstimator(config.initialRttNanos(), config.maxAckDelayNanos(), config.minProbeTimeoutNanos());
        this.congestion = new NewReno(config.maxPacketPayload(), config.initialWindowPackets(),
                config.minimumWindowPackets());
        this.pacer = new Pacer(config.pacingBurstPackets(), config.maxPacketPayload(), nowNanos);
        this.lossDetector = new LossDetector(rtt, congestion, config.maxAckDelayNanos(), new LossListener());
        this.lastSentNanos = nowNanos;
        this.lastReceivedNanos = nowNanos;
    }

    // ------------------------------------------------------------------ application API

    /**
     * Opens a stream to {@code destPort}. Nothing is sent until data is written or the stream is finished.
     *
     * @throws IllegalStateException if the connection is closed or stream ids are exhausted
     */
    public Stream openStream(int destPort) {
        checkPort(destPort);
        if (closeReason != null) {
            throw new IllegalStateException("connection closed");
        }
        if (nextLocalStreamId < 0) {
            throw new IllegalStateException("stream ids exhausted");
        }
        Stream stream = new Stream(this, nextLocalStreamId, destPort, false);
        nextLocalStreamId += 2;
        streams.put(stream.id(), stream);
        return stream;
    }

    /**
     * Queues an unreliable datagram (copied). It is sent once, subject to the congestion window, and never
     * retransmitted.
     *
     * @return false if it cannot fit in one packet, the datagram queue is full, or the connection is closed
     */
    public boolean sendDatagram(int port, ByteBuffer data) {
        checkPort(port);
        int size = data.remaining();
        if (closeReason != null || datagrams.size() >= config.maxQueuedDatagrams()
                || FrameCodec.PACKET_HEADER_SIZE + FrameCodec.DATAGRAM_HEADER_SIZE + size > config.maxPacketPayload()) {
            return false;
        }
        ByteBuffer copy = ByteBuffer.allocate(size);
        copy.put(data).flip();
        datagrams.add(new QueuedDatagram(port, copy));
        return true;
    }

    /**
     * Closes the connection: one CLOSE frame is emitted by the next {@link #poll}, then nothing. Calls
     * {@link ConnectionHandler#onClosed} (remote = false). No effect if already closed.
     */
    public void close(int errorCode, String reason) {
        closeWith(new CloseReason(errorCode, reason == null ? "" : reason, false), true);
    }

    public boolean isClosed() {
        return closeReason != null;
    }

    /** Why the connection closed, or null while open. */
    public CloseReason closeReason() {
        return closeReason;
    }

    public ConnectionStats stats() {
        return new ConnectionStats(packetsSent, bytesSent, packetsReceived, bytesReceived, retransmittedPackets,
                lossDetector.lostPackets(), rtt.smoothed(), rtt.variance(), rtt.min(), congestion.window(),
                lossDetector.bytesInFlight(), malformedPackets, duplicatePackets, droppedPackets, streams.size());
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
            if (packetNumber < 0) {
                throw new FrameCodec.MalformedException("packet number >= 2^63");
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
        if (closeReason == null) {
            ackTracker.onPacketReceived(packetNumber, ackEliciting, nowNanos);
        }
    }

    /** Applies one frame; returns whether it is ack-eliciting. */
    private boolean apply(Frame frame, long nowNanos) {
        if (frame instanceof Frame.StreamData f) {
            onStreamFrame(f);
        } else if (frame instanceof Frame.Ack f) {
            if (f.largest() >= nextPacketNumber) {
                violation(TransportError.PROTOCOL_VIOLATION, "ACK of unsent packet " + f.largest());
            } else {
                lossDetector.onAck(f, nowNanos);
            }
            return false;
        } else if (frame instanceof Frame.MaxData f) {
            if (f.maximum() > sendLimit) {
                sendLimit = f.maximum();
                while (!blockedOnConnection.isEmpty()) {
                    Stream s = blockedOnConnection.poll();
                    s.blockedOnConnection = false;
                    sendQueue.add(s);
                }
            }
        } else if (frame instanceof Frame.MaxStreamData f) {
            onMaxStreamData(f);
        } else if (frame instanceof Frame.ResetStream f) {
            onResetFrame(f);
        } else if (frame instanceof Frame.Datagram f) {
            handler.onDatagram(f.port(), f.data());
        } else if (frame instanceof Frame.Close f) {
            closeWith(new CloseReason(f.errorCode(), f.reason(), true), false);
            return false;
        }
        return true;
    }

    private void onStreamFrame(Frame.StreamData f) {
        Stream stream = streamForPeerFrame(f.streamId(), f.port());
        if (stream == null) {
            return;
        }
        ReceiveStream rs = stream.receive;
        int length = f.data().remaining();
        int error = rs.check(f.offset(), length, f.fin());
        if (error != 0) {
            violation(error, "stream " + f.streamId() + " data at " + f.offset() + "+" + length + " not allowed");
            return;
        }
        long growth = Math.max(0, f.offset() + length - rs.highest());
        if (receiveHighest + growth > receiveLimit) {
            violation(TransportError.FLOW_CONTROL_ERROR, "connection credit exceeded");
            return;
        }
        long highestBefore = rs.highest();
        long consumedBefore = rs.consumed();
        rs.receive(f.offset(), f.data(), f.fin(), stream);
        afterReceiveChange(stream, highestBefore, consumedBefore);
    }

    private void onResetFrame(Frame.ResetStream f) {
        Stream stream = streamForPeerFrame(f.streamId(), -1);
        if (stream == null || stream.receive.isResetReceived()) {
            return;
        }
        ReceiveStream rs = stream.receive;
        int error = rs.checkReset(f.finalSize());
        if (error == 0 && receiveHighest + (f.finalSize() - rs.highest()) > receiveLimit) {
            error = TransportError.FLOW_CONTROL_ERROR;
        }
        if (error != 0) {
            violation(error, "bad final size " + f.finalSize() + " for stream " + f.streamId());
            return;
        }
        long highestBefore = rs.highest();
        long consumedBefore = rs.consumed();
        rs.onReset(f.finalSize());
        if (!stream.resetQueued && !stream.send.isComplete()) {
            queueReset(stream, f.errorCode());
        }
        boolean notify = !stream.localAbort && !stream.resetNotified && !stream.hidden;
        stream.resetNotified = true;
        afterReceiveChange(stream, highestBefore, consumedBefore);
        StreamHandler h = stream.handler();
        if (notify && h != null) {
            h.onReset(stream, f.errorCode());
        }
    }

    private void onMaxStreamData(Frame.MaxStreamData f) {
        Stream stream = streams.get(f.streamId());
        if (stream == null) {
            if (isLocal(f.streamId()) && f.streamId() >= nextLocalStreamId) {
                violation(TransportError.PROTOCOL_VIOLATION, "MAX_STREAM_DATA for unopened stream");
            }
            return;
        }
        if (stream.send.onMaxStreamData(f.maximum())) {
            schedule(stream);
        }
    }

    /**
     * The live stream a peer frame refers to, creating it if the peer opens it now; null if the stream is gone (late
     * frame) or the frame is a violation (then the connection is closed).
     *
     * @param port the destination port, or -1 if the frame carries none (the stream is then created hidden)
     */
    private Stream streamForPeerFrame(int id, int port) {
        Stream stream = streams.get(id);
        if (stream != null) {
            return stream;
        }
        if (isLocal(id)) {
            if (id >= nextLocalStreamId) {
                violation(TransportError.PROTOCOL_VIOLATION, "frame for unopened local stream " + id);
            }
            return null;
        }
        int index = id >>> 1;
        if (peerStreamsSeen.contains(index)) {
            return null;
        }
        peerStreamsSeen.add(index, index + 1L);
        if (peerStreamsSeen.size() > MAX_STREAM_ID_GAPS) {
            // A peer opens ids in order; only reordering leaves gaps. Thousands of gaps mean a peer
            // skipping ids to grow this set.
            violation(TransportError.PROTOCOL_VIOLATION, "peer skipped stream ids " + MAX_STREAM_ID_GAPS + " times");
            return null;
        }
        boolean refuse = port >= 0 && incomingStreams >= config.maxIncomingStreams();
        stream = new Stream(this, id, Math.max(port, 0), port < 0 || refuse);
        streams.put(id, stream);
        if (refuse) {
            resetLocally(stream, TransportError.STREAM_REFUSED);
        } else if (!stream.hidden) {
            incomingStreams++;
            handler.onStreamOpened(stream);
        }
        return closeReason == null ? stream : null;
    }

    /** Books the change of a receive half into connection accounting, refreshes credit, frees if done. */
    private void afterReceiveChange(Stream stream, long highestBefore, long consumedBefore) {
        if (closeReason != null) {
            return;
        }
        receiveHighest += stream.receive.highest() - highestBefore;
        receiveConsumed += stream.receive.consumed() - consumedBefore;
        if (stream.receive.refreshCredit(config.streamReceiveWindow())) {
            stream.maxStreamDataPending = true;
            queueControl(stream);
        }
        if (receiveLimit - receiveConsumed < config.connectionReceiveWindow() / 2) {
            receiveLimit = receiveConsumed + config.connectionReceiveWindow();
            maxDataPending = true;
        }
        maybeFree(stream);
    }

    // ------------------------------------------------------------------ outbound

    /**
     * Writes the next packet payload into {@code out} (which needs {@link TransportConfig#maxPacketPayload()} bytes
     * remaining) and returns its length, or returns 0 if nothing may be sent now.
     */
    public int poll(long nowNanos, ByteBuffer out) {
        if (out.remaining() < config.maxPacketPayload()) {
            throw new IllegalArgumentException("out needs " + config.maxPacketPayload() + " bytes remaining");
        }
        int start = out.position();
        int limit = start + config.maxPacketPayload();
        if (closeReason != null) {
            if (!closeFramePending) {
                return 0;
            }
            closeFramePending = false;
            out.putLong(nextPacketNumber);
            FrameCodec.writeClose(out, closeReason.code(), closeReason.message(), limit - out.position());
            return recordSent(nowNanos, start, out, false);
        }
        boolean probe = probesPending > 0;
        boolean hasWork = hasAckElicitingWork();
        boolean mayFill = hasWork && (probe || mayFillNow(nowNanos));
        boolean ackDue = ackTracker.ackDue(nowNanos);
        if (!mayFill && !ackDue && !probe) {
            return 0;
        }
        out.putLong(nextPacketNumber);
        if (ackDue || (mayFill && ackTracker.hasUnacknowledged())) {
            ackTracker.writeAck(out, nowNanos);
        }
        sentFrames.clear();
        boolean ackEliciting = mayFill && fill(out, limit);
        if (probe) {
            probesPending--;
            if (!ackEliciting) {
                out.put((byte) FrameCodec.PING);
                ackEliciting = true;
            }
        }
        if (out.position() - start == FrameCodec.PACKET_HEADER_SIZE) {
            out.position(start);
            return 0;
        }
        return recordSent(nowNanos, start, out, ackEliciting);
    }

    private boolean mayFillNow(long nowNanos) {
        long window = congestion.window();
        if (lossDetector.bytesInFlight() >= window) {
            pacerDeadline = Long.MAX_VALUE;
            return false;
        }
        if (!config.pacing()) {
            return true;
        }
        long release = pacer.releaseTime(nowNanos, config.maxPacketPayload(), window, rtt.smoothed());
        pacerDeadline = release > nowNanos ? release : Long.MAX_VALUE;
        return release <= nowNanos;
    }

    private int recordSent(long nowNanos, int start, ByteBuffer out, boolean ackEliciting) {
        int length = out.position() - start;
        long packetNumber = nextPacketNumber++;
        packetsSent++;
        bytesSent += length;
        lastSentNanos = nowNanos;
        if (ackEliciting) {
            awaitingAnswerSinceNanos = Math.min(awaitingAnswerSinceNanos, nowNanos);
            lossDetector.onPacketSent(new SentPacket(packetNumber, nowNanos, length, sentFrames));
            if (config.pacing()) {
                pacer.onPacketSent(nowNanos, length, congestion.window(), rtt.smoothed());
            }
        }
        sentFrames.clear();
        return length;
    }

    private boolean hasAckElicitingWork() {
        return maxDataPending || pingPending || !controlQueue.isEmpty() || !datagrams.isEmpty()
                || !sendQueue.isEmpty();
    }

    /** Adds ack-eliciting frames; returns true if any was written. */
    private boolean fill(ByteBuffer out, int limit) {
        boolean wrote = false;
        if (maxDataPending && limit - out.position() >= FrameCodec.MAX_DATA_SIZE) {
            FrameCodec.writeMaxData(out, receiveLimit);
            sentFrames.add(new SentFrame.MaxData(receiveLimit));
            maxDataPending = false;
            wrote = true;
        }
        wrote |= fillControl(out, limit);
        if (pingPending) {
            out.put((byte) FrameCodec.PING);
            pingPending = false;
            wrote = true;
        }
        while (!datagrams.isEmpty()) {
            QueuedDatagram d = datagrams.peek();
            if (limit - out.position() < FrameCodec.DATAGRAM_HEADER_SIZE + d.data().remaining()) {
                break;
            }
            datagrams.poll();
            FrameCodec.writeDatagram(out, d.port(), d.data());
            wrote = true;
        }
        return fillStreams(out, limit) | wrote;
    }

    private boolean fillControl(ByteBuffer out, int limit) {
        boolean wrote = false;
        while (!controlQueue.isEmpty()) {
            Stream s = controlQueue.peek();
            if (s.freed) {
                controlQueue.poll();
                s.controlQueued = false;
                continue;
            }
            int need = (s.resetPending ? FrameCodec.RESET_STREAM_SIZE : 0)
                    + (s.maxStreamDataPending ? FrameCodec.MAX_STREAM_DATA_SIZE : 0);
            if (limit - out.position() < need) {
                break;
            }
            controlQueue.poll();
            s.controlQueued = false;
            if (s.resetPending) {
                FrameCodec.writeResetStream(out, s.id(), s.resetCode, s.send.sentHigh());
                sentFrames.add(new SentFrame.Reset(s));
                s.resetPending = false;
                wrote = true;
            }
            if (s.maxStreamDataPending) {
                s.maxStreamDataPending = false;
                if (!s.receive.finalSizeKnown() && !s.localAbort) {
                    FrameCodec.writeMaxStreamData(out, s.id(), s.receive.limit());
                    sentFrames.add(new SentFrame.MaxStreamData(s, s.receive.limit()));
                    wrote = true;
                }
            }
        }
        return wrote;
    }

    private boolean fillStreams(ByteBuffer out, int limit) {
        boolean wrote = false;
        boolean retransmitted = false;
        // Terminates: each turn consumes packet room or removes the stream from the queue.
        while (!sendQueue.isEmpty() && limit - out.position() > FrameCodec.STREAM_HEADER_SIZE) {
            Stream s = sendQueue.poll();
            s.queued = false;
            if (s.freed || !s.send.hasSendable()) {
                continue;
            }
            boolean retransmission = s.send.hasLost();
            long sentBefore = s.send.sentHigh();
            SentFrame.StreamRange range = s.send.writeFrame(s, out, limit - out.position(), sendLimit - sendUsed);
            if (range == null) {
                s.queued = true;
                s.blockedOnConnection = true;
                blockedOnConnection.add(s);
                continue;
            }
            sendUsed += s.send.sentHigh() - sentBefore;
            sentFrames.add(range);
            wrote = true;
            retransmitted |= retransmission;
            schedule(s);
        }
        if (retransmitted) {
            retransmittedPackets++;
        }
        return wrote;
    }

    /** Queues a stream for sending if it has something sendable; called on write, finish, loss and new credit. */
    void schedule(Stream s) {
        if (s.freed || !s.send.hasSendable()) {
            return;
        }
        if (s.blockedOnConnection && s.send.hasRetransmission()) {
            blockedOnConnection.remove(s);
            s.blockedOnConnection = false;
            s.queued = false;
        }
        if (!s.queued) {
            s.queued = true;
            sendQueue.add(s);
        }
    }

    private void queueControl(Stream s) {
        if (!s.controlQueued) {
            s.controlQueued = true;
            controlQueue.add(s);
        }
    }

    private void queueReset(Stream s, int code) {
        s.send.reset();
        s.resetQueued = true;
        s.resetPending = true;
        s.resetCode = code;
        queueControl(s);
    }

    /** {@link Stream#reset(int)}: abort both directions. */
    void resetLocally(Stream s, int code) {
        if (s.freed || s.localAbort || closeReason != null) {
            return;
        }
        s.localAbort = true;
        if (!s.resetQueued) {
            queueReset(s, code);
        }
        long highestBefore = s.receive.highest();
        long consumedBefore = s.receive.consumed();
        s.receive.discard();
        afterReceiveChange(s, highestBefore, consumedBefore);
    }

    private void maybeFree(Stream s) {
        if (!s.freed && s.isSendFinished() && s.receive.isFinished()) {
            s.freed = true;
            streams.remove(s.id());
            if (!isLocal(s.id()) && !s.hidden) {
                incomingStreams--;
            }
        }
    }

    // ------------------------------------------------------------------ timers

    /** When {@link #onTimeout} must be called next, or {@link Long#MAX_VALUE} if no timer is armed. */
    public long nextDeadlineNanos() {
        if (closeReason != null) {
            return Long.MAX_VALUE;
        }
        long deadline = Math.min(lossDetector.deadline(), ackTracker.deadline());
        if (config.idleTimeoutNanos() > 0) {
            deadline = Math.min(deadline, lastReceivedNanos + config.idleTimeoutNanos());
        }
        if (config.unresponsiveTimeoutNanos() > 0 && awaitingAnswerSinceNanos != Long.MAX_VALUE) {
            deadline = Math.min(deadline, awaitingAnswerSinceNanos + config.unresponsiveTimeoutNanos());
        }
        if (config.keepaliveIntervalNanos() > 0 && !pingPending) {
            deadline = Math.min(deadline, Math.max(lastSentNanos, lastReceivedNanos) + config.keepaliveIntervalNanos());
        }
        if (hasAckElicitingWork()) {
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
        if (lossDetector.onTimeout(nowNanos)) {
            probesPending = PROBE_PACKETS;
        }
        if (config.keepaliveIntervalNanos() > 0
                && nowNanos - Math.max(lastSentNanos, lastReceivedNanos) >= config.keepaliveIntervalNanos()) {
            pingPending = true;
        }
        if (pacerDeadline <= nowNanos) {
            pacerDeadline = Long.MAX_VALUE;
        }
    }

    // ------------------------------------------------------------------ closing

    private void violation(int code, String message) {
        log.debug("protocol violation, closing: {}", message);
        closeWith(new CloseReason(code, message, false), true);
    }

    private void closeWith(CloseReason reason, boolean sendFrame) {
        if (closeReason != null) {
            return;
        }
        closeReason = reason;
        closeFramePending = sendFrame;
        for (Stream s : streams.values()) {
            s.freed = true;
        }
        streams.clear();
        sendQueue.clear();
        blockedOnConnection.clear();
        controlQueue.clear();
        datagrams.clear();
        handler.onClosed(reason);
    }

    // ------------------------------------------------------------------ helpers

    private boolean isLocal(int id) {
        return ((id & 1) == 0) == evenStreamIds;
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** Routes ACK and loss of sent frames back to their streams and credit state. */
    private final class LossListener implements LossDetector.Listener {

        @Override
        public void onPacketAcked(SentPacket packet) {
            for (SentFrame frame : packet.frames) {
                if (frame instanceof SentFrame.StreamRange r) {
                    Stream s = r.stream();
                    if (!s.freed) {
                        s.send.onAcked(r.offset(), r.length(), r.fin());
                        maybeFree(s);
                    }
                } else if (frame instanceof SentFrame.Reset r) {
                    Stream s = r.stream();
                    s.resetAcked = true;
                    maybeFree(s);
                }
            }
        }

        @Override
        public void onPacketLost(SentPacket packet) {
            for (SentFrame frame : packet.frames) {
                if (frame instanceof SentFrame.StreamRange r) {
                    Stream s = r.stream();
                    if (!s.freed) {
                        s.send.onLost(r.offset(), r.length(), r.fin());
                        schedule(s);
                    }
                } else if (frame instanceof SentFrame.Reset r) {
                    Stream s = r.stream();
                    if (!s.freed && !s.resetAcked) {
                        s.resetPending = true;
                        queueControl(s);
                    }
                } else if (frame instanceof SentFrame.MaxData m) {
                    if (m.maximum() == receiveLimit) {
                        maxDataPending = true;
                    }
                } else if (frame instanceof SentFrame.MaxStreamData m) {
                    Stream s = m.stream();
                    if (!s.freed && m.maximum() == s.receive.limit()) {
                        s.maxStreamDataPending = true;
                        queueControl(s);
                    }
                }
            }
        }
    }

    private record QueuedDatagram(int port, ByteBuffer data) {
    }
}

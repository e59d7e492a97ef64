package io.pilot.engine.transport;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What goes into the ack-eliciting part of the next packet, and the queues it is taken from. In order: MAX_DATA;
 * per stream in the control queue RESET_STREAM and/or MAX_STREAM_DATA; a keepalive PING; queued DATAGRAMs (FIFO,
 * while they fit); then STREAM frames taken round-robin, one frame per stream per turn, so a huge transfer cannot
 * starve small requests; a stream whose frame the packet's end cut short after other streams' frames starts the next
 * packet, so that small messages queued one after another complete in that order. A stream's lost ranges go out before its new data, and new data only within the peer's
 * connection credit; a stream that has none waits aside until MAX_DATA comes.
 *
 * <p>The packet number, the ACK, probes and whether the window and pacer allow ack-eliciting frames at all are the
 * {@link Connection}'s business. The frames that need action on ACK or loss are recorded in {@link #sentFrames()}
 * for the packet being assembled.
 */
final class PacketAssembler {

    /**
     * Stateless RESET_STREAMs (refusals) waiting to be sent; more mean a peer opening streams past the limit faster
     * than it lets the refusals through, and the connection closes (see {@link StreamFrameApplier}).
     */
    static final int MAX_QUEUED_STATELESS_RESETS = 1024;

    private final ReceiveCredit receiveCredit;
    private final int maxQueuedDatagrams;
    private final int maxPacketPayload;

    private final ArrayDeque<Stream> sendQueue = new ArrayDeque<>();
    private final ArrayDeque<Stream> blockedOnConnection = new ArrayDeque<>();
    private final ArrayDeque<Stream> controlQueue = new ArrayDeque<>();
    private final ArrayDeque<QueuedDatagram> datagrams = new ArrayDeque<>();
    private final ArrayDeque<SentFrame.StatelessReset> statelessResets = new ArrayDeque<>();
    private final List<SentFrame> sentFrames = new ArrayList<>();

    private long sendLimit = TransportConfig.INITIAL_MAX_DATA;
    private long sendUsed;
    private boolean pingPending;
    private boolean retransmits;
    private boolean wrotePing;
    private boolean grantsCredit;

    PacketAssembler(ReceiveCredit receiveCredit, int maxQueuedDatagrams, int maxPacketPayload) {
        this.receiveCredit = receiveCredit;
        this.maxQueuedDatagrams = maxQueuedDatagrams;
        this.maxPacketPayload = maxPacketPayload;
    }

    // ------------------------------------------------------------------ queueing

    /** Queues a copy of a datagram; false if the queue is full or it cannot fit in one packet. */
    boolean queueDatagram(int port, ByteBuffer data) {
        int size = data.remaining();
        if (datagrams.size() >= maxQueuedDatagrams || FrameCodec.PACKET_HEADER_SIZE + FrameCodec.DATAGRAM_HEADER_SIZE
                + size > maxPacketPayload - Connection.IMMEDIATE_ACK_ROOM) {
            return false;
        }
        ByteBuffer copy = ByteBuffer.allocate(size);
        copy.put(data).flip();
        datagrams.add(new QueuedDatagram(port, copy));
        return true;
    }

    /** Queues a stream for sending if it has something sendable; called on write, finish, loss and new credit. */
    void schedule(Stream s) {
        if (s.freed || !s.send.hasSendable()) {
            return;
        }
        // Retransmissions need no new credit, so a blocked stream with one must not wait for MAX_DATA.
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

    /** Queues a stream whose RESET_STREAM or MAX_STREAM_DATA is pending. */
    void queueControl(Stream s) {
        if (!s.controlQueued) {
            s.controlQueued = true;
            controlQueue.add(s);
        }
    }

    /** Abandons the stream's unsent data and queues its RESET_STREAM. */
    void queueReset(Stream s, int code) {
        s.send.reset();
        s.resetQueued = true;
        s.resetPending = true;
        s.resetCode = code;
        queueControl(s);
    }

    /**
     * Queues a RESET_STREAM (final size 0) for a peer stream that has no state here.
     *
     * @return false if {@link #MAX_QUEUED_STATELESS_RESETS} are already waiting to be sent
     */
    boolean queueStatelessReset(int streamId, int code) {
        if (statelessResets.size() >= MAX_QUEUED_STATELESS_RESETS) {
            return false;
        }
        statelessResets.add(new SentFrame.StatelessReset(streamId, code));
        return true;
    }

    /** A stateless RESET_STREAM was lost: send it again (those in flight are bounded by the congestion window). */
    void requeueStatelessReset(SentFrame.StatelessReset reset) {
        statelessResets.add(reset);
    }

    /** The peer's MAX_DATA: raises the connection send credit and requeues the streams that waited for it. */
    void onMaxData(long maximum) {
        if (maximum > sendLimit) {
            sendLimit = maximum;
            while (!blockedOnConnection.isEmpty()) {
                Stream s = blockedOnConnection.poll();
                s.blockedOnConnection = false;
                sendQueue.add(s);
            }
        }
    }

    /** Asks for a PING in the next packet that may carry ack-eliciting frames (keepalive). */
    void requestPing() {
        pingPending = true;
    }

    boolean pingPending() {
        return pingPending;
    }

    boolean hasAckElicitingWork() {
        return receiveCredit.maxDataPending() || pingPending || !controlQueue.isEmpty() || !statelessResets.isEmpty()
                || !datagrams.isEmpty() || !sendQueue.isEmpty();
    }

    /** Drops everything queued, when the connection closes. */
    void clear() {
        sendQueue.clear();
        blockedOnConnection.clear();
        controlQueue.clear();
        statelessResets.clear();
        datagrams.clear();
    }

    // ------------------------------------------------------------------ assembling

    /** Starts a new packet: forgets what the previous one carried. */
    void startPacket() {
        sentFrames.clear();
        retransmits = false;
        wrotePing = false;
        grantsCredit = false;
    }

    /** The frames of the packet being assembled that need action on ACK or loss. */
    List<SentFrame> sentFrames() {
        return sentFrames;
    }

    /** Whether the packet being assembled carries retransmitted stream data. */
    boolean retransmits() {
        return retransmits;
    }

    /** Whether the packet being assembled carries the keepalive PING. */
    boolean wrotePing() {
        return wrotePing;
    }

    /** Whether the packet being assembled gives the peer more credit (MAX_DATA or MAX_STREAM_DATA). */
    boolean grantsCredit() {
        return grantsCredit;
    }

    /** Adds ack-eliciting frames to {@code out} up to {@code limit}; returns true if any was written. */
    boolean fill(ByteBuffer out, int limit) {
        boolean wrote = false;
        if (receiveCredit.maxDataPending() && limit - out.position() >= FrameCodec.MAX_DATA_SIZE) {
            FrameCodec.writeMaxData(out, receiveCredit.limit());
            sentFrames.add(new SentFrame.MaxData(receiveCredit.limit()));
            grantsCredit = true;
            receiveCredit.onMaxDataSent();
            wrote = true;
        }
        wrote |= fillControl(out, limit);
        if (pingPending) {
            out.put((byte) FrameCodec.PING);
            pingPending = false;
            wrotePing = true;
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
        while (!statelessResets.isEmpty() && limit - out.position() >= FrameCodec.RESET_STREAM_SIZE) {
            SentFrame.StatelessReset r = statelessResets.poll();
            FrameCodec.writeResetStream(out, r.streamId(), r.code(), 0);
            sentFrames.add(r);
            wrote = true;
        }
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
                    grantsCredit = true;
                    wrote = true;
                }
            }
        }
        return wrote;
    }

    private boolean fillStreams(ByteBuffer out, int limit) {
        boolean wrote = false;
        // Terminates: each turn consumes packet room or removes the stream from the queue.
        while (!sendQueue.isEmpty() && limit - out.position() > FrameCodec.STREAM_HEADER_SIZE) {
            Stream s = sendQueue.poll();
            s.queued = false;
            if (s.freed || !s.send.hasSendable()) {
                continue;
            }
            boolean sharesThePacket = wrote;
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
            retransmits |= retransmission;
            if (sharesThePacket && s.send.hasSendable() && limit - out.position() <= FrameCodec.STREAM_HEADER_SIZE) {
                // Cut short by the packet's end after other streams' frames, not by its own size: it starts the next
                // packet, so that messages queued one after another complete in that order (a full turn would let
                // every stream queued behind it complete first). A stream that starts a packet and fills it goes to
                // the back, as round-robin asks; so does one with more to send for another reason (a second lost
                // range, no connection credit left).
                s.queued = true;
                sendQueue.addFirst(s);
                break; // the packet is full
            }
            schedule(s);
        }
        return wrote;
    }

    private record QueuedDatagram(int port, ByteBuffer data) {
    }
}

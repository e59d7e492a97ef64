package io.pilot.engine.transport;

/**
 * Applies the peer's stream-level frames (STREAM, RESET_STREAM, MAX_STREAM_DATA) and this side's abort of a stream:
 * finds or opens the stream, checks final size and credit, feeds the stream's halves, books what changed into the
 * connection's receive credit and frees the stream once both directions are done. A frame that breaks the protocol
 * closes the {@link Connection} and changes nothing else.
 */
final class StreamFrameApplier {

    private final Connection connection;
    private final ConnectionHandler handler;
    private final StreamTable streams;
    private final PacketAssembler assembler;
    private final ReceiveCredit receiveCredit;
    private final long streamReceiveWindow;
    private final RefusedStreams refused = new RefusedStreams();

    StreamFrameApplier(Connection connection, ConnectionHandler handler, StreamTable streams,
            PacketAssembler assembler, ReceiveCredit receiveCredit, long streamReceiveWindow) {
        this.connection = connection;
        this.handler = handler;
        this.streams = streams;
        this.assembler = assembler;
        this.receiveCredit = receiveCredit;
        this.streamReceiveWindow = streamReceiveWindow;
    }

    /**
     * @return false if the frame's data could not be kept for reassembly (the packet must not be acknowledged)
     */
    boolean onStreamData(Frame.StreamData f) {
        Stream stream = streamForPeerFrame(f.streamId(), f.port(), TransportError.STREAM_REFUSED);
        if (stream == null) {
            onRefusedStreamData(f);
            return true;
        }
        if (f.port() != stream.port()) {
            // Every frame of a stream names the port its first one did: a peer that changes it is not this protocol.
            connection.violation(TransportError.PROTOCOL_VIOLATION, "stream " + f.streamId() + " data for port "
                    + f.port() + ", opened for port " + stream.port());
            return true;
        }
        ReceiveStream rs = stream.receive;
        int length = f.data().remaining();
        int error = rs.check(f.offset(), length, f.fin());
        if (error != 0) {
            connection.violation(error, "stream " + f.streamId() + " data at " + f.offset() + "+" + length
                    + " not allowed");
            return true;
        }
        long growth = Math.max(0, f.offset() + length - rs.highest());
        if (!receiveCredit.allows(growth)) {
            connection.violation(TransportError.FLOW_CONTROL_ERROR, "connection credit exceeded");
            return true;
        }
        long highestBefore = rs.highest();
        long consumedBefore = rs.consumed();
        boolean kept = rs.receive(f.offset(), f.data(), f.fin(), stream);
        afterReceiveChange(stream, highestBefore, consumedBefore);
        return kept;
    }

    void onResetStream(Frame.ResetStream f) {
        Stream stream = streamForPeerFrame(f.streamId(), -1, f.errorCode());
        if (stream == null) {
            onRefusedStreamReset(f);
            return;
        }
        if (stream.receive.isResetReceived()) {
            return;
        }
        ReceiveStream rs = stream.receive;
        int error = rs.checkReset(f.finalSize());
        if (error == 0 && !receiveCredit.allows(f.finalSize() - rs.highest())) {
            error = TransportError.FLOW_CONTROL_ERROR;
        }
        if (error != 0) {
            connection.violation(error, "bad final size " + f.finalSize() + " for stream " + f.streamId());
            return;
        }
        long highestBefore = rs.highest();
        long consumedBefore = rs.consumed();
        rs.onReset(f.finalSize());
        // RESET_STREAM doubles as STOP_SENDING: answer with our own so both sides learn both final sizes.
        if (!stream.resetQueued && !stream.send.isComplete()) {
            assembler.queueReset(stream, f.errorCode());
        }
        boolean notify = !stream.localAbort && !stream.resetNotified;
        stream.resetNotified = true;
        afterReceiveChange(stream, highestBefore, consumedBefore);
        StreamHandler h = stream.handler();
        if (notify && h != null) {
            h.onReset(stream, f.errorCode());
        }
    }

    void onMaxStreamData(Frame.MaxStreamData f) {
        Stream stream = streams.get(f.streamId());
        if (stream == null) {
            if (streams.isUnopenedLocal(f.streamId())) {
                connection.violation(TransportError.PROTOCOL_VIOLATION, "MAX_STREAM_DATA for unopened stream");
            }
            return;
        }
        if (stream.send.onMaxStreamData(f.maximum())) {
            assembler.schedule(stream);
        }
    }

    /** {@link Stream#reset(int)}: abort both directions. */
    void resetLocally(Stream s, int code) {
        if (s.freed || s.localAbort || connection.isClosed()) {
            return;
        }
        s.localAbort = true;
        if (!s.resetQueued) {
            assembler.queueReset(s, code);
        }
        long highestBefore = s.receive.highest();
        long consumedBefore = s.receive.consumed();
        s.receive.discard();
        afterReceiveChange(s, highestBefore, consumedBefore);
    }

    /**
     * The live stream a peer frame refers to, creating it if the peer opens it now with a STREAM frame; null if the
     * stream is gone (late frame), is answered without state (below), or the frame is a violation (then the
     * connection is closed).
     *
     * <p>A stream the peer opens past {@link TransportConfig#maxIncomingStreams()}, or opens with a RESET_STREAM, gets
     * no {@link Stream}: it is answered at once with a stateless RESET_STREAM and only its credit use is remembered
     * ({@link RefusedStreams}), so a peer that never finishes such streams cannot make this side hold them.
     *
     * @param port      the destination port, or -1 if the frame is a RESET_STREAM
     * @param resetCode the code of the stateless answer: STREAM_REFUSED, or the peer's own code for a reset
     */
    private Stream streamForPeerFrame(int id, int port, int resetCode) {
        Stream stream = streams.get(id);
        if (stream != null) {
            return stream;
        }
        if (streams.isLocal(id)) {
            if (streams.isUnopenedLocal(id)) {
                connection.violation(TransportError.PROTOCOL_VIOLATION, "frame for unopened local stream " + id);
            }
            return null;
        }
        if (!streams.firstSightOfPeerId(id)) {
            return null;
        }
        if (streams.tooManyPeerIdGaps()) {
            connection.violation(TransportError.PROTOCOL_VIOLATION,
                    "peer skipped stream ids " + StreamTable.MAX_STREAM_ID_GAPS + " times");
            return null;
        }
        if (port < 0 || streams.atIncomingLimit()) {
            if (!assembler.queueStatelessReset(id, resetCode)) {
                connection.violation(TransportError.PROTOCOL_VIOLATION, "peer opened streams past the limit faster"
                        + " than " + PacketAssembler.MAX_QUEUED_STATELESS_RESETS + " refusals could be sent");
                return null;
            }
            refused.add(id, 0);
            return null;
        }
        stream = streams.addPeerStream(id, port);
        handler.onStreamOpened(stream);
        return connection.isClosed() ? null : stream;
    }

    /**
     * Data on a refused stream still counts against connection credit (the peer counts it) and is discarded; with
     * its FIN the stream is settled and forgotten.
     */
    private void onRefusedStreamData(Frame.StreamData f) {
        long booked = refused.highest(f.streamId());
        if (booked < 0 || connection.isClosed()) {
            return;
        }
        long end = f.offset() + f.data().remaining();
        if (end > TransportConfig.INITIAL_MAX_STREAM_DATA) {
            connection.violation(TransportError.FLOW_CONTROL_ERROR, "refused stream " + f.streamId()
                    + " data beyond its credit");
            return;
        }
        if (bookRefused(f.streamId(), booked, Math.max(booked, end)) && f.fin()) {
            refused.forget(f.streamId()); // the final size is known: nothing more to count
        }
    }

    /** The peer's answer to a refusal: its final size settles the credit the stream used, and it is forgotten. */
    private void onRefusedStreamReset(Frame.ResetStream f) {
        long booked = refused.highest(f.streamId());
        if (booked < 0 || connection.isClosed()) {
            return;
        }
        if (f.finalSize() < booked || f.finalSize() > TransportConfig.INITIAL_MAX_STREAM_DATA) {
            connection.violation(TransportError.PROTOCOL_VIOLATION, "bad final size " + f.finalSize()
                    + " for refused stream " + f.streamId());
            return;
        }
        if (bookRefused(f.streamId(), booked, f.finalSize())) {
            refused.forget(f.streamId());
        }
    }

    private boolean bookRefused(int id, long booked, long highest) {
        long growth = highest - booked;
        if (!receiveCredit.allows(growth)) {
            connection.violation(TransportError.FLOW_CONTROL_ERROR, "connection credit exceeded");
            return false;
        }
        receiveCredit.book(growth, growth);
        refused.update(id, highest);
        return true;
    }

    /** Books the change of a receive half into connection accounting, refreshes credit, frees if done. */
    private void afterReceiveChange(Stream stream, long highestBefore, long consumedBefore) {
        if (connection.isClosed()) {
            return;
        }
        receiveCredit.book(stream.receive.highest() - highestBefore, stream.receive.consumed() - consumedBefore);
        if (stream.receive.refreshCredit(streamReceiveWindow)) {
            stream.maxStreamDataPending = true;
            assembler.queueControl(stream);
        }
        streams.freeIfDone(stream);
    }
}

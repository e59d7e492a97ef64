package io.pilot.engine.transport;

/**
 * Routes the ACK or loss of a sent packet back to the state its frames came from. Acknowledged stream data and
 * resets may let a stream be freed; lost frames are queued again as fresh frames (the packet itself is never
 * resent), a credit update only while it still carries the current limit.
 */
final class SentFrameRouter implements LossDetector.Listener {

    private final StreamTable streams;
    private final PacketAssembler assembler;
    private final ReceiveCredit receiveCredit;

    SentFrameRouter(StreamTable streams, PacketAssembler assembler, ReceiveCredit receiveCredit) {
        this.streams = streams;
        this.assembler = assembler;
        this.receiveCredit = receiveCredit;
    }

    @Override
    public void onPacketAcked(SentPacket packet) {
        for (SentFrame frame : packet.frames) {
            if (frame instanceof SentFrame.StreamRange r) {
                Stream s = r.stream();
                if (!s.freed) {
                    s.send.onAcked(r.offset(), r.length(), r.fin());
                    streams.freeIfDone(s);
                }
            } else if (frame instanceof SentFrame.Reset r) {
                Stream s = r.stream();
                s.resetAcked = true;
                streams.freeIfDone(s);
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
                    assembler.schedule(s);
                }
            } else if (frame instanceof SentFrame.Reset r) {
                Stream s = r.stream();
                if (!s.freed && !s.resetAcked) {
                    s.resetPending = true;
                    assembler.queueControl(s);
                }
            } else if (frame instanceof SentFrame.StatelessReset r) {
                assembler.requeueStatelessReset(r);
            } else if (frame instanceof SentFrame.MaxData m) {
                receiveCredit.onMaxDataLost(m.maximum());
            } else if (frame instanceof SentFrame.MaxStreamData m) {
                Stream s = m.stream();
                if (!s.freed && m.maximum() == s.receive.limit()) {
                    s.maxStreamDataPending = true;
                    assembler.queueControl(s);
                }
            }
        }
    }
}

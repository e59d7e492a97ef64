package io.pilot.engine.transport;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encoding and decoding of packet payloads. Everything is big-endian with fixed-width fields, trading a few bytes
 * per frame for branch-free, obviously-correct parsing.
 *
 * <h2>Packet payload</h2>
 * <pre>
 * packet_number  u64   strictly increasing per direction, starting at 0, never reused (values &lt; 2^62)
 * frame+               at least one frame (PADDING counts)
 * </pre>
 *
 * <h2>Frames</h2> Each frame starts with a one-byte type.
 * <pre>
 * 0x00 PADDING          (no body)                                             not ack-eliciting
 * 0x01 PING             (no body)                                             ack-eliciting
 * 0x02 ACK              largest u64, ack_delay u32 (microseconds), range_count u8 (&ge; 1),
 *                       first_range u32, then (range_count - 1) x [gap u32, range_length u32]
 *                                                                             not ack-eliciting
 * 0x04 RESET_STREAM     stream_id u32, error_code u32, final_size u64        ack-eliciting
 * 0x08 STREAM           stream_id u32, dest_port u16, offset u64, length u16, data[length]
 * 0x09 STREAM with FIN  same as 0x08; offset + length is the final size     ack-eliciting
 * 0x10 MAX_DATA         maximum u64 (connection credit, absolute)           ack-eliciting
 * 0x11 MAX_STREAM_DATA  stream_id u32, maximum u64 (stream credit, absolute) ack-eliciting
 * 0x1c CLOSE            error_code u32, reason_length u16, reason UTF-8     not ack-eliciting
 * 0x30 DATAGRAM         dest_port u16, length u16, data[length]             ack-eliciting, never retransmitted
 * </pre>
 * ACK ranges follow QUIC (RFC 9000 19.3.1): the first range covers {@code [largest - first_range, largest]}; each
 * following range ends at {@code previous_smallest - gap - 2} and covers {@code range_length + 1} packets below that.
 * Stream ids are below 2^31, packet numbers (of the packet and of ACKs) and final sizes/offsets below 2^62; anything
 * else is malformed. Unknown frame types, truncated frames and packets without frames are malformed.
 */
final class FrameCodec {

    static final int PADDING = 0x00;
    static final int PING = 0x01;
    static final int ACK = 0x02;
    static final int RESET_STREAM = 0x04;
    static final int STREAM = 0x08;
    static final int STREAM_FIN = 0x09;
    static final int MAX_DATA = 0x10;
    static final int MAX_STREAM_DATA = 0x11;
    static final int CLOSE = 0x1c;
    static final int DATAGRAM = 0x30;

    static final int PACKET_HEADER_SIZE = 8;
    static final int STREAM_HEADER_SIZE = 1 + 4 + 2 + 8 + 2;
    static final int RESET_STREAM_SIZE = 1 + 4 + 4 + 8;
    static final int MAX_DATA_SIZE = 1 + 8;
    static final int MAX_STREAM_DATA_SIZE = 1 + 4 + 8;
    static final int DATAGRAM_HEADER_SIZE = 1 + 2 + 2;
    static final int CLOSE_HEADER_SIZE = 1 + 4 + 2;
    static final int MAX_FRAME_DATA = 0xffff;
    /**
     * Packet numbers are below 2^62, as in QUIC: a larger one, even if it fits a Java long, would overflow the
     * receiver's range arithmetic ({@code [pn, pn + 1)}), so it is malformed.
     */
    static final long MAX_PACKET_NUMBER = 1L << 62;
    /** Largest stream offset (exclusive), as in QUIC. */
    static final long MAX_OFFSET = 1L << 62;

    private static final long U32 = 0xffff_ffffL;

    private FrameCodec() {
    }

    /** Thrown when a payload does not parse; caught by {@link Connection} and counted. */
    static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message, null, false, false);
        }
    }

    static int ackFrameSize(int ranges) {
        return 1 + 8 + 4 + 1 + 4 + 8 * (ranges - 1);
    }

    /**
     * Decodes every frame after the packet number; {@code payload} is consumed. Nothing is applied, so a packet that
     * fails half-way has no effect.
     */
    static void decode(ByteBuffer payload, List<Frame> out) throws MalformedException {
        if (!payload.hasRemaining()) {
            throw new MalformedException("packet without frames");
        }
        try {
            while (payload.hasRemaining()) {
                int type = payload.get() & 0xff;
                switch (type) {
                    case PADDING -> {
                    }
                    case PING -> out.add(Frame.Ping.INSTANCE);
                    case ACK -> out.add(decodeAck(payload));
                    case RESET_STREAM -> out.add(new Frame.ResetStream(streamId(payload), payload.getInt(),
                            offset(payload)));
                    case STREAM, STREAM_FIN -> {
                        int id = streamId(payload);
                        int port = payload.getShort() & 0xffff;
                        long offset = offset(payload);
                        int length = payload.getShort() & 0xffff;
                        if (offset + length >= MAX_OFFSET) {
                            throw new MalformedException("stream offset overflow");
                        }
                        out.add(new Frame.StreamData(id, port, offset, type == STREAM_FIN, data(payload, length)));
                    }
                    case MAX_DATA -> out.add(new Frame.MaxData(offset(payload)));
                    case MAX_STREAM_DATA -> out.add(new Frame.MaxStreamData(streamId(payload), offset(payload)));
                    case CLOSE -> {
                        int code = payload.getInt();
                        int length = payload.getShort() & 0xffff;
                        ByteBuffer reason = data(payload, length);
                        out.add(new Frame.Close(code, StandardCharsets.UTF_8.decode(reason).toString()));
                    }
                    case DATAGRAM -> {
                        int port = payload.getShort() & 0xffff;
                        int length = payload.getShort() & 0xffff;
                        out.add(new Frame.Datagram(port, data(payload, length)));
                    }
                    default -> throw new MalformedException("unknown frame type 0x" + Integer.toHexString(type));
                }
            }
        } catch (BufferUnderflowException e) {
            throw new MalformedException("truncated frame");
        }
    }

    private static Frame.Ack decodeAck(ByteBuffer in) throws MalformedException {
        long largest = in.getLong();
        long delay = in.getInt() & U32;
        int count = in.get() & 0xff;
        if (largest < 0 || largest >= MAX_PACKET_NUMBER || count == 0) {
            throw new MalformedException("bad ACK header");
        }
        long[] ranges = new long[2 * count];
        long high = largest;
        long low = high - (in.getInt() & U32);
        if (low < 0) {
            throw new MalformedException("ACK range below zero");
        }
        ranges[0] = high;
        ranges[1] = low;
        for (int i = 1; i < count; i++) {
            high = low - (in.getInt() & U32) - 2;
            low = high - (in.getInt() & U32);
            if (high < 0 || low < 0) {
                throw new MalformedException("ACK range below zero");
            }
            ranges[2 * i] = high;
            ranges[2 * i + 1] = low;
        }
        return new Frame.Ack(delay, ranges);
    }

    private static int streamId(ByteBuffer in) throws MalformedException {
        int id = in.getInt();
        if (id < 0) {
            throw new MalformedException("stream id >= 2^31");
        }
        return id;
    }

    private static long offset(ByteBuffer in) throws MalformedException {
        long v = in.getLong();
        if (v < 0 || v >= MAX_OFFSET) {
            throw new MalformedException("offset >= 2^62");
        }
        return v;
    }

    private static ByteBuffer data(ByteBuffer in, int length) {
        if (length > in.remaining()) {
            throw new BufferUnderflowException();
        }
        ByteBuffer slice = in.slice(in.position(), length);
        in.position(in.position() + length);
        return slice;
    }

    /**
     * Writes an ACK for the highest {@code maxRanges} intervals of {@code received}, which must not be empty.
     * Ranges whose gap or length does not fit in 32 bits are omitted.
     */
    static void writeAck(ByteBuffer out, RangeSet received, long ackDelayMicros, int maxRanges) {
        int top = received.size() - 1;
        int count = 1;
        long prevLow = received.start(top);
        for (int i = top - 1; i >= 0 && count < maxRanges; i--) {
            long high = received.end(i) - 1;
            long gap = prevLow - high - 2;
            long len = high - received.start(i);
            if (gap > U32 || len > U32) {
                break;
            }
            count++;
            prevLow = received.start(i);
        }
        long largest = received.end(top) - 1;
        out.put((byte) ACK).putLong(largest).putInt((int) Math.min(ackDelayMicros, U32)).put((byte) count);
        out.putInt((int) Math.min(largest - received.start(top), U32));
        prevLow = received.start(top);
        for (int i = top - 1; i > top - count; i--) {
            long high = received.end(i) - 1;
            out.putInt((int) (prevLow - high - 2)).putInt((int) (high - received.start(i)));
            prevLow = received.start(i);
        }
    }

    static void writeStreamHeader(ByteBuffer out, int id, int port, long offset, int length, boolean fin) {
        out.put((byte) (fin ? STREAM_FIN : STREAM)).putInt(id).putShort((short) port).putLong(offset)
                .putShort((short) length);
    }

    static void writeResetStream(ByteBuffer out, int id, int code, long finalSize) {
        out.put((byte) RESET_STREAM).putInt(id).putInt(code).putLong(finalSize);
    }

    static void writeMaxData(ByteBuffer out, long maximum) {
        out.put((byte) MAX_DATA).putLong(maximum);
    }

    static void writeMaxStreamData(ByteBuffer out, int id, long maximum) {
        out.put((byte) MAX_STREAM_DATA).putInt(id).putLong(maximum);
    }

    static void writeDatagram(ByteBuffer out, int port, ByteBuffer data) {
        out.put((byte) DATAGRAM).putShort((short) port).putShort((short) data.remaining()).put(data.duplicate());
    }

    /** Writes CLOSE, truncating the reason (on a character boundary) to what fits in {@code room} bytes. */
    static void writeClose(ByteBuffer out, int code, String reason, int room) {
        byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        int len = Math.max(0, Math.min(utf8.length, Math.min(MAX_FRAME_DATA, room - CLOSE_HEADER_SIZE)));
        while (len > 0 && len < utf8.length && (utf8[len] & 0xc0) == 0x80) {
            len--;
        }
        out.put((byte) CLOSE).putInt(code).putShort((short) len).put(utf8, 0, len);
    }
}

package io.pilot.engine.message;


import io.pilot.engine.codec.DecodeException;
import io.pilot.engine.codec.StrictUtf8;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one {@link MessageFrame} from a stream's bytes as they arrive, in pieces of any size. An
 * explicit state machine: each state waits for a known number of bytes, so feeding one byte at a time
 * costs no more than feeding the frame at once. Limits are checked as soon as a length is known, before
 * anything is buffered: a body over {@code maxBody} fails with {@link ErrorCode#TOO_LARGE} and nothing
 * is allocated for it. A field's buffer grows with the bytes that actually arrive: it starts at what the piece that
 * announced its length brought along (at least 1 KiB, at most the field's length) and grows fourfold, so it never
 * holds more than four times what arrived, or 1 KiB; a peer announcing 16 MiB and sending a few bytes holds 1 KiB
 * (it held 64 KiB until 2026-12-07: ten thousand such streams on one connection, 625 MiB, for 60 KB sent).
 * {@link #discard} lets go of it when the frame will not be read to its end (the stream was answered already).
 * Fourfold rather than doubling because each growth copies what arrived so far: a 16 MiB body is copied about
 * 5 MiB in all on the way (three large arrays), not 16 MiB (six), which the receiving end of a bulk transfer
 * spent most of its time on (docs/benchmarks.md, section 2). One instance per stream; not thread-safe.
 */
public final class MessageFrameDecoder {

    private enum State {
        KIND, HEADER_COUNT, NAME_LENGTH, NAME, VALUE_LENGTH, VALUE, BODY_LENGTH, BODY, DONE, FAILED
    }

    private final int maxBody;
    private State state = State.KIND;
    private final byte[] small = new byte[4];
    private int smallFilled;
    private byte[] field;
    private int fieldLength;
    private int fieldFilled;

    private FrameKind kind;
    private int headersLeft;
    private String name;
    /** The bytes of the headers read so far of the frame being read, which it holds as text until the frame is whole. */
    private int headerBytes;
    /** The frame's headers, handed to its message when read; a new builder per frame, made when its header count is read. */
    private HeaderMap.Builder headers;
    private MessageFrame frame;

    public MessageFrameDecoder(int maxBody) {
        if (maxBody < 0) {
            throw new IllegalArgumentException("maxBody must not be negative");
        }
        this.maxBody = maxBody;
    }

    /**
     * Consumes bytes from {@code in}. Returns the frame once complete (and then refuses more bytes),
     * else null. A REQUEST_STREAM frame is the one exception: a streamed reply's caller goes on sending CREDIT
     * frames on the same stream, so the bytes after it are left in {@code in} for whoever reads those.
     *
     * @throws FrameException on malformed input or a frame over the limits; the decoder is then spent
     */
    public MessageFrame feed(ByteBuffer in) throws FrameException {
        MessageFrame read = readOne(in);
        if (in.hasRemaining() && (read == null || read.kind() != FrameKind.REQUEST_STREAM)) {
            state = State.FAILED;
            throw new FrameException(ErrorCode.PROTOCOL, "bytes after the end of the frame");
        }
        return read;
    }

    /**
     * For the streams of a streamed reply, which carry a sequence of frames: consumes bytes from {@code in} up to
     * the end of one frame and returns it, leaving the bytes after it in {@code in} (call again for the next
     * frame); null when {@code in} ran out inside a frame. The decoder is then ready for the next frame.
     *
     * @throws FrameException on malformed input or a frame over the limits; the decoder is then spent
     */
    public MessageFrame next(ByteBuffer in) throws FrameException {
        MessageFrame read = readOne(in);
        if (read != null) {
            state = State.KIND;
            frame = null;
            field = null;
            headers = null;
            headerBytes = 0;
        }
        return read;
    }

    /** Whether no frame is partly read: the place a sequence of frames may end. */
    public boolean isBetweenFrames() {
        return state == State.KIND || state == State.DONE;
    }

    private MessageFrame readOne(ByteBuffer in) throws FrameException {
        try {
            if (state == State.FAILED) {
                throw new FrameException(ErrorCode.PROTOCOL, "decoder already failed");
            }
            while (state != State.DONE && (in.hasRemaining() || fieldComplete())) {
                step(in);
            }
        } catch (FrameException e) {
            state = State.FAILED;
            throw e;
        }
        return frame;
    }

    /** Whether a whole frame has been read. */
    public boolean isComplete() {
        return state == State.DONE;
    }

    /** A field's first buffer at least, unless shorter: a length announced costs no more until its bytes come. */
    private static final int MIN_FIELD_BUFFER = 1024;
    /** How much a field's buffer grows at a time, at least: the bound on what it holds beyond what arrived. */
    private static final int GROWTH = 4;

    private boolean fieldComplete() {
        return (state == State.NAME || state == State.VALUE || state == State.BODY) && fieldFilled == fieldLength;
    }

    /**
     * Lets go of what is held for a frame that will not be read to its end: the stream was answered already (an
     * error, an overload) and its further bytes are dropped unread. The decoder is spent.
     */
    public void discard() {
        field = null;
        headers = null;
        headerBytes = 0;
        if (state != State.DONE) {
            state = State.FAILED;
        }
    }

    /** Bytes held for the frame being read: what a per-peer memory budget counts. */
    public int bufferedBytes() {
        return (field == null ? 0 : field.length) + headerBytes;
    }

    private void step(ByteBuffer in) throws FrameException {
        switch (state) {
            case KIND -> {
                kind = FrameKind.fromWire(in.get() & 0xFF);
                if (kind == null) {
                    throw new FrameException(ErrorCode.PROTOCOL, "unknown frame kind");
                }
                state = State.HEADER_COUNT;
            }
            case HEADER_COUNT -> {
                headersLeft = in.get() & 0xFF;
                if (headersLeft > Message.MAX_HEADERS) {
                    throw new FrameException(ErrorCode.PROTOCOL, "more than " + Message.MAX_HEADERS + " headers");
                }
                headers = new HeaderMap.Builder(headersLeft);
                state = headersLeft == 0 ? State.BODY_LENGTH : State.NAME_LENGTH;
            }
            case NAME_LENGTH -> {
                int length = in.get() & 0xFF;
                if (length == 0) {
                    throw new FrameException(ErrorCode.PROTOCOL, "empty header name");
                }
                startField(length, in);
                state = State.NAME;
            }
            case NAME -> {
                if (fillField(in)) {
                    name = new String(field, StandardCharsets.US_ASCII);
                    state = State.VALUE_LENGTH;
                }
            }
            case VALUE_LENGTH -> {
                if (fillSmall(in, 2)) {
                    int length = ((small[0] & 0xFF) << 8) | (small[1] & 0xFF);
                    if (length > Message.MAX_HEADER_VALUE) {
                        throw new FrameException(ErrorCode.PROTOCOL, "header '" + name + "' value over "
                                + Message.MAX_HEADER_VALUE + " bytes");
                    }
                    startField(length, in);
                    state = State.VALUE;
                }
            }
            case VALUE -> {
                if (fillField(in)) {
                    headerBytes += name.length() + field.length;
                    if (!headers.add(name, utf8(field))) {
                        throw new FrameException(ErrorCode.PROTOCOL, "header '" + name + "' repeated");
                    }
                    state = --headersLeft == 0 ? State.BODY_LENGTH : State.NAME_LENGTH;
                }
            }
            case BODY_LENGTH -> {
                if (fillSmall(in, 4)) {
                    long length = ((small[0] & 0xFFL) << 24) | ((small[1] & 0xFF) << 16) | ((small[2] & 0xFF) << 8)
                            | (small[3] & 0xFF);
                    if (length > maxBody) {
                        throw new FrameException(ErrorCode.TOO_LARGE, "message of " + length
                                + " bytes exceeds the limit of " + maxBody + " bytes");
                    }
                    startField((int) length, in);
                    state = State.BODY;
                }
            }
            case BODY -> {
                if (fillField(in)) {
                    frame = new MessageFrame(kind, toMessage());
                    state = State.DONE;
                }
            }
            case DONE, FAILED -> throw new IllegalStateException("no step after " + state);
        }
    }

    /**
     * A header value's text. Most are ASCII (ids, deadlines, names), read without a decoder; anything else must be
     * well-formed UTF-8, as the sender writes it: replacement characters would change the value the peer sent.
     */
    private String utf8(byte[] bytes) throws FrameException {
        for (byte b : bytes) {
            if (b < 0) {
                try {
                    return StrictUtf8.decode(bytes);
                } catch (DecodeException e) {
                    throw new FrameException(ErrorCode.PROTOCOL, "header '" + name + "' value is not UTF-8");
                }
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private Message toMessage() throws FrameException {
        try {
            return Message.decoded(field, headers.build());
        } catch (IllegalArgumentException e) {
            throw new FrameException(ErrorCode.PROTOCOL, e.getMessage());
        }
    }

    /** A field of {@code length} bytes begins; {@code in} holds what has arrived of it so far. */
    private void startField(int length, ByteBuffer in) {
        field = new byte[Math.min(length, Math.max(in.remaining(), MIN_FIELD_BUFFER))];
        fieldLength = length;
        fieldFilled = 0;
    }

    private boolean fillField(ByteBuffer in) {
        int n = Math.min(in.remaining(), fieldLength - fieldFilled);
        if (fieldFilled + n > field.length) {
            field = Arrays.copyOf(field, (int) Math.min(fieldLength, Math.max(fieldFilled + n, (long) GROWTH * field.length)));
        }
        in.get(field, fieldFilled, n);
        fieldFilled += n;
        return fieldFilled == fieldLength;
    }

    private boolean fillSmall(ByteBuffer in, int length) {
        int n = Math.min(in.remaining(), length - smallFilled);
        in.get(small, smallFilled, n);
        smallFilled += n;
        if (smallFilled < length) {
            return false;
        }
        smallFilled = 0;
        return true;
    }
}

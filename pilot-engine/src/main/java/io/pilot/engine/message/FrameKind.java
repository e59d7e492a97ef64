package io.pilot.engine.message;

/** The first byte of a message frame: what the frame is. */
public enum FrameKind {
    /** A message that wants exactly one REPLY or ERROR on the same stream. */
    REQUEST(1),
    /** A message that wants no answer. */
    ONE_WAY(2),
    /** The answer to a REQUEST. */
    REPLY(3),
    /** A failed REQUEST or REQUEST_STREAM: header {@code error-code}, body the error text (UTF-8). */
    ERROR(4),
    /**
     * A message that wants a sequence of ITEM frames ended by END or ERROR on the same stream; header
     * {@code credit}: how many items the server may send before more CREDIT arrives.
     */
    REQUEST_STREAM(5),
    /** On a REQUEST_STREAM's stream, from the caller: header {@code credit}, that many more items; empty body. */
    CREDIT(6),
    /** One item of a streamed reply. */
    ITEM(7),
    /** The successful end of a streamed reply; no more items follow. */
    END(8);

    final int wire;

    FrameKind(int wire) {
        this.wire = wire;
    }

    static FrameKind fromWire(int value) {
        for (FrameKind kind : values()) {
            if (kind.wire == value) {
                return kind;
            }
        }
        return null;
    }
}

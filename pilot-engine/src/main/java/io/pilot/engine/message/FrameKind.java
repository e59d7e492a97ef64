package io.pilot.engine.message;

/** The first byte of a message frame: what the frame is. */
public enum FrameKind {
    /** A message that wants exactly one REPLY or ERROR on the same stream. */
    REQUEST(1),
    /** A message that wants no answer. */
    ONE_WAY(2),
    /** The answer to a REQUEST. */
    REPLY(3),
    /** A failed REQUEST: header {@code error-code}, body the error text (UTF-8). */
    ERROR(4);

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

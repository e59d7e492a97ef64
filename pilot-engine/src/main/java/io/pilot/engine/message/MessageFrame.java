package io.pilot.engine.message;


/** A message and what it is for. One frame travels in each direction of a stream. */
public record MessageFrame(FrameKind kind, Message message) {

    public static MessageFrame error(ErrorCode code, String text) {
        return error(code, Message.of(text == null ? "" : text));
    }

    /** An error frame carrying {@code reply}'s headers and body, with {@code error-code} set to {@code code}. */
    public static MessageFrame error(ErrorCode code, Message reply) {
        return new MessageFrame(FrameKind.ERROR, reply.with(Headers.ERROR_CODE, code.name()));
    }
}

package io.pilot.engine.message;


/** A message and what it is for. One frame travels in each direction of a stream. */
public record MessageFrame(FrameKind kind, Message message) {

    public static MessageFrame error(ErrorCode code, String text) {
        return new MessageFrame(FrameKind.ERROR, Message.of(text == null ? "" : text).with(Headers.ERROR_CODE, code.name()));
    }
}

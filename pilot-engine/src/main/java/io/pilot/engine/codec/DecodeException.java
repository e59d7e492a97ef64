package io.pilot.engine.codec;

/**
 * Bytes that do not decode: too few of them, too many, or text that is not UTF-8. Unchecked, so a reader
 * needs no guard at every field; whoever speaks the protocol turns it into that protocol's own refusal.
 * The message is the reason alone, fit to be shown to the sender.
 */
public final class DecodeException extends RuntimeException {

    public DecodeException(String reason) {
        super(reason);
    }
}

package io.pilot.engine.card;

/** An agent card that cannot be believed; the message says why, in words for whoever asked. */
public final class CardException extends RuntimeException {

    public CardException(String reason) {
        super(reason);
    }

    public CardException(String reason, Throwable cause) {
        super(reason, cause);
    }
}

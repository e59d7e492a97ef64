package io.pilot.spring.observation;

import java.util.Locale;

/** How a request travelled between the two agents, as far as the observing side knows. */
public enum PilotPath {

    /** Straight between the two agents' sockets. */
    DIRECT,

    /** Through the backbone's relay, because the two agents could not reach each other directly. */
    RELAYED,

    /** Not known: no session with the peer when the request ended (it failed before one was made, or it closed). */
    UNKNOWN;

    /** The key value: {@code direct}, {@code relayed} or {@code unknown}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@link #RELAYED} or {@link #DIRECT}, or {@link #UNKNOWN} for null. */
    public static PilotPath of(Boolean relayed) {
        return relayed == null ? UNKNOWN : relayed ? RELAYED : DIRECT;
    }
}

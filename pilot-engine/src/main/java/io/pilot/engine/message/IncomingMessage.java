package io.pilot.engine.message;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.NodeKey;

import java.util.Objects;

/**
 * A message that arrived on one of this node's ports, with its authenticated origin: {@code from} and
 * {@code fromKey} were proven by the session handshake, not claimed by the message.
 *
 * @param from the sending node's address
 * @param fromKey the sending node's key
 * @param port the local port it arrived on
 * @param message headers and body
 * @param expectsReply true for a request, false for a one-way message (the handler's reply is then dropped)
 * @param cancellation whether the work is still wanted (the caller cancelled, the connection closed, the deadline
 *     passed) and the time left until the caller's deadline
 */
public record IncomingMessage(PilotAddress from, NodeKey fromKey, int port, Message message, boolean expectsReply,
                              Cancellation cancellation) {

    public IncomingMessage {
        Objects.requireNonNull(cancellation, "cancellation");
    }

    /** A message that no node will cancel and that carries no deadline (built in-process, e.g. in a test). */
    public IncomingMessage(PilotAddress from, NodeKey fromKey, int port, Message message, boolean expectsReply) {
        this(from, fromKey, port, message, expectsReply, Cancellation.none());
    }
}

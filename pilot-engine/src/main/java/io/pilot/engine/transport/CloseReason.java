package io.pilot.engine.transport;

/**
 * Why a connection closed.
 *
 * @param code    a {@link TransportError} code or an application code
 * @param message human-readable reason (never null)
 * @param remote  true if the peer sent CLOSE, false if this side closed (API call, violation, idle timeout)
 */
public record CloseReason(int code, String message, boolean remote) {
}

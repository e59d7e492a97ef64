package io.pilot.engine.transport;

import java.nio.ByteBuffer;

/**
 * Connection events, invoked synchronously on the caller's thread from inside {@link Connection#receive},
 * {@link Connection#onTimeout} or {@link Connection#close}. Handlers may call back into the connection.
 */
public interface ConnectionHandler {

    /**
     * The peer opened a stream. Set a {@link StreamHandler} here: data arriving on a stream without handler is
     * discarded (its flow-control credit is still returned).
     */
    void onStreamOpened(Stream stream);

    /** An unreliable datagram arrived; {@code data} is only valid during the call. */
    default void onDatagram(int port, ByteBuffer data) {
    }

    /** The connection closed; called exactly once. */
    default void onClosed(CloseReason reason) {
    }
}

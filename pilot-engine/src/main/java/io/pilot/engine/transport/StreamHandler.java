package io.pilot.engine.transport;

import java.nio.ByteBuffer;

/** Receive-side events of one {@link Stream}, invoked synchronously on the caller's thread. */
public interface StreamHandler {

    /**
     * The next contiguous bytes of the stream, delivered in order and exactly once. The buffer may be a view into the
     * packet being processed: consume or copy it before returning. Returning counts as consumption, which is what
     * replenishes the peer's flow-control credit.
     */
    void onData(Stream stream, ByteBuffer data);

    /** All data up to the peer's FIN has been delivered. */
    default void onFinished(Stream stream) {
    }

    /** The peer aborted the stream (both directions); no further callbacks follow. */
    default void onReset(Stream stream, int errorCode) {
    }
}

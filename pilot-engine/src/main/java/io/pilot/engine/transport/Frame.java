package io.pilot.engine.transport;

import java.nio.ByteBuffer;

/**
 * A decoded frame; see {@link FrameCodec} for the wire format. PADDING is consumed by the decoder and never
 * represented. Buffers inside frames are views into the packet being decoded and die with it.
 */
sealed interface Frame {

    /** PING: asks for an acknowledgement, carries nothing. */
    record Ping() implements Frame {
        static final Ping INSTANCE = new Ping();
    }

    /**
     * ACK.
     *
     * @param ranges inclusive packet-number ranges as {@code [high0, low0, high1, low1, ...]}, strictly descending,
     *               {@code high0} being the largest acknowledged
     */
    record Ack(long ackDelayMicros, long[] ranges) implements Frame {
        long largest() {
            return ranges[0];
        }
    }

    record StreamData(int streamId, int port, long offset, boolean fin, ByteBuffer data) implements Frame {
    }

    record ResetStream(int streamId, int errorCode, long finalSize) implements Frame {
    }

    record MaxData(long maximum) implements Frame {
    }

    record MaxStreamData(int streamId, long maximum) implements Frame {
    }

    record Datagram(int port, ByteBuffer data) implements Frame {
    }

    record Close(int errorCode, String reason) implements Frame {
    }
}

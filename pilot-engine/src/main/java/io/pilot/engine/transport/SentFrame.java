package io.pilot.engine.transport;

/**
 * What a sent packet carried that matters once it is acknowledged or lost. Lost frames are re-queued as fresh
 * frames in a new packet (never the packet itself); PING and DATAGRAM frames need no record because they are never
 * retransmitted.
 */
sealed interface SentFrame {

    record StreamRange(Stream stream, long offset, int length, boolean fin) implements SentFrame {
    }

    record Reset(Stream stream) implements SentFrame {
    }

    /** A RESET_STREAM for a stream that has no {@link Stream} here (a refused one): final size 0. */
    record StatelessReset(int streamId, int code) implements SentFrame {
    }

    record MaxData(long maximum) implements SentFrame {
    }

    record MaxStreamData(Stream stream, long maximum) implements SentFrame {
    }
}

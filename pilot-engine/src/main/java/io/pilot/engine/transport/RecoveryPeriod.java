package io.pilot.engine.transport;

/**
 * The recovery period of a loss-based controller (RFC 9002 7.3.2, RFC 9438 4.6): it starts when a loss reduces the
 * window and covers every packet sent before that moment. A loss or an ACK of such a packet belongs to the episode
 * already answered: it must neither reduce the window again (one reduction per loss episode) nor grow it. The
 * period ends when the first packet sent after it began is acknowledged, which {@link #covers} expresses by itself;
 * persistent congestion ends it at once ({@link #end}). {@link NewReno} and {@link Cubic} share it.
 */
final class RecoveryPeriod {

    private boolean started;
    private long startNanos;

    /** Whether a packet sent at {@code sentTimeNanos} was sent before the current period began. */
    boolean covers(long sentTimeNanos) {
        return started && sentTimeNanos - startNanos <= 0;
    }

    /**
     * A loss of a packet sent at {@code sentTimeNanos} was detected at {@code nowNanos}: starts a new period unless
     * the current one covers the packet.
     *
     * @return true if a new period started, so the caller must reduce its window
     */
    boolean onLoss(long sentTimeNanos, long nowNanos) {
        if (covers(sentTimeNanos)) {
            return false;
        }
        started = true;
        startNanos = nowNanos;
        return true;
    }

    /** Persistent congestion: the window restarts from the minimum, and no period covers anything. */
    void end() {
        started = false;
    }
}

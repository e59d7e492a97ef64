package io.pilot.engine.transport;

/**
 * CUBIC as RFC 9438 specifies it, in bytes: slow start until the first loss; after a loss the window is reduced to
 * β = 0.7 of itself (not halved as by {@link NewReno}) and then follows the cubic function
 * {@code W_cubic(t) = C·(t - K)³ + W_max} of the time since the reduction, which climbs quickly back towards the window
 * at the last loss ({@code W_max}), plateaus near it and then probes beyond it. Where Reno would be faster (short
 * RTTs, small windows: the "Reno-friendly region"), it follows a Reno estimate {@code W_est} that adds
 * {@code α = 3(1-β)/(1+β)} segments per window instead. Fast convergence lowers {@code W_max} when losses come at a
 * smaller window than the last time, so a flow gives room to a newcomer. One reduction per recovery period, as
 * {@link NewReno}. HyStart++ is not implemented: slow start ends at the first loss. Segments are datagrams of the
 * path's current size ({@link #onDatagramSizeChanged}): on a path that carries 16 KiB datagrams a step of 1,200 bytes
 * per window would regrow a window 13 times more slowly than the RFC's segment does.
 *
 * <p>Time matters here, not rounds: growth depends on seconds since the reduction, so on a sub-millisecond path CUBIC
 * spends nearly all of its time in the Reno-friendly region and behaves like a Reno whose decrease is 0.7.
 */
final class Cubic implements CongestionController {

    /** RFC 9438 C, in segments per second cubed. */
    static final double C = 0.4;
    /** RFC 9438 β_cubic: the window kept on a loss. */
    static final double BETA = 0.7;
    /** RFC 9438 α_cubic: Reno-friendly additive increase, segments per window, while below W_max. */
    static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);

    private static final double NANOS_PER_SECOND = 1e9;

    private final int minimumWindowPackets;
    private final RttEstimator rtt;
    /** The segment (SMSS) all the segment counts below are in: the path's datagram size. */
    private int maxDatagramSize;
    private long minimumWindow;
    private long window;
    private long slowStartThreshold = Long.MAX_VALUE;
    private final RecoveryPeriod recovery = new RecoveryPeriod();
    /** Window before the last reduction, in segments (W_max), after fast convergence. */
    private double maxWindowSegments;
    /** Window right before the last reduction, in segments (cwnd_prior). */
    private double priorWindowSegments;
    /** Start of the current congestion-avoidance epoch; {@code epochStarted} false until the first ACK after a loss. */
    private long epochStartNanos;
    private boolean epochStarted;
    /** Seconds the cubic function takes to climb from the reduced window back to W_max. */
    private double k;
    /** The Reno-friendly estimate W_est, in segments. */
    private double renoSegments;

    Cubic(int maxDatagramSize, int initialWindowPackets, int minimumWindowPackets, RttEstimator rtt) {
        this.minimumWindowPackets = minimumWindowPackets;
        this.rtt = rtt;
        this.window = (long) initialWindowPackets * maxDatagramSize;
        this.maxDatagramSize = maxDatagramSize;
        this.minimumWindow = (long) minimumWindowPackets * maxDatagramSize;
    }

    /**
     * The segment grows (or shrinks) to the path's datagram size: W_max, cwnd_prior and W_est keep their bytes, now
     * counted in the new segments, and the epoch starts over so that K is computed in them too. From then on the
     * Reno-friendly step is a datagram of the new size per window, and the cubic function climbs in them.
     */
    @Override
    public void onDatagramSizeChanged(int maxDatagramSize) {
        double toNewSegments = (double) this.maxDatagramSize / maxDatagramSize;
        maxWindowSegments *= toNewSegments;
        priorWindowSegments *= toNewSegments;
        renoSegments *= toNewSegments;
        epochStarted = false;
        this.maxDatagramSize = maxDatagramSize;
        minimumWindow = (long) minimumWindowPackets * maxDatagramSize;
        window = Math.max(window, minimumWindow);
        slowStartThreshold = Math.max(slowStartThreshold, minimumWindow);
    }

    @Override
    public long window() {
        return window;
    }

    @Override
    public long minimumWindow() {
        return minimumWindow;
    }

    long slowStartThreshold() {
        return slowStartThreshold;
    }

    /** W_max after fast convergence, in bytes. */
    long maxWindow() {
        return (long) (maxWindowSegments * maxDatagramSize);
    }

    @Override
    public void onPacketAcked(SentPacket packet, long nowNanos, boolean appLimited) {
        if (recovery.covers(packet.sentNanos) || appLimited) {
            return;
        }
        if (window < slowStartThreshold) {
            window += packet.size;
            return;
        }
        double segments = (double) window / maxDatagramSize;
        if (!epochStarted) {
            startEpoch(nowNanos, segments);
        }
        double acked = (double) packet.size / maxDatagramSize;
        double alpha = renoSegments >= priorWindowSegments ? 1 : ALPHA;
        renoSegments += alpha * acked / segments;
        double t = (nowNanos - epochStartNanos) / NANOS_PER_SECOND;
        double next;
        if (cubic(t) < renoSegments) {
            next = renoSegments;
        } else {
            double target = Math.min(Math.max(cubic(t + rtt.smoothed() / NANOS_PER_SECOND), segments), 1.5 * segments);
            next = segments + (target - segments) / segments * acked;
        }
        window = Math.max(minimumWindow, (long) (next * maxDatagramSize));
    }

    /** The first ACK of congestion avoidance after a loss (or after slow start ended without one). */
    private void startEpoch(long nowNanos, double segments) {
        epochStarted = true;
        epochStartNanos = nowNanos;
        if (maxWindowSegments < segments) {
            maxWindowSegments = segments;
            priorWindowSegments = segments;
            k = 0;
        } else {
            k = Math.cbrt((maxWindowSegments - segments) / C);
        }
        renoSegments = segments;
    }

    /** W_cubic(t), segments. */
    private double cubic(double seconds) {
        double d = seconds - k;
        return C * d * d * d + maxWindowSegments;
    }

    @Override
    public void onCongestionEvent(long sentTimeNanos, long nowNanos) {
        if (!recovery.onLoss(sentTimeNanos, nowNanos)) {
            return;
        }
        double segments = (double) window / maxDatagramSize;
        // Fast convergence: a loss below the last W_max means the share shrank; release some of it.
        maxWindowSegments = segments < maxWindowSegments ? segments * (1 + BETA) / 2 : segments;
        priorWindowSegments = segments;
        slowStartThreshold = Math.max((long) (window * BETA), minimumWindow);
        window = slowStartThreshold;
        epochStarted = false;
    }

    @Override
    public void onPersistentCongestion() {
        window = minimumWindow;
        recovery.end();
        epochStarted = false;
    }
}

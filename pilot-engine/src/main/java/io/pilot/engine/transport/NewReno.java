package io.pilot.engine.transport;

/**
 * NewReno exactly as RFC 9002 section 7 and appendix B specify it: slow start until the first loss, then additive
 * increase of one datagram per window; a loss starts a recovery period during which further losses of packets sent
 * before the period began do not reduce the window again (one reduction per loss episode), and the window is halved
 * (kLossReductionFactor 0.5) but never below the minimum window. The additive step and the minimum window count
 * datagrams of the path's current size ({@link #onDatagramSizeChanged}).
 */
final class NewReno implements CongestionController {

    private final int minimumWindowPackets;
    private int maxDatagramSize;
    private long minimumWindow;
    private long window;
    private long slowStartThreshold = Long.MAX_VALUE;
    private long bytesAckedInAvoidance;
    private final RecoveryPeriod recovery = new RecoveryPeriod();

    NewReno(int maxDatagramSize, int initialWindowPackets, int minimumWindowPackets) {
        this.minimumWindowPackets = minimumWindowPackets;
        this.window = (long) initialWindowPackets * maxDatagramSize;
        onDatagramSizeChanged(maxDatagramSize);
    }

    @Override
    public void onDatagramSizeChanged(int maxDatagramSize) {
        this.maxDatagramSize = maxDatagramSize;
        this.minimumWindow = (long) minimumWindowPackets * maxDatagramSize;
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

    @Override
    public void onPacketAcked(SentPacket packet, long nowNanos, boolean appLimited) {
        if (recovery.covers(packet.sentNanos) || appLimited) {
            return;
        }
        int bytes = packet.size;
        if (window < slowStartThreshold) {
            window += bytes;
            return;
        }
        bytesAckedInAvoidance += bytes;
        if (bytesAckedInAvoidance >= window) {
            bytesAckedInAvoidance -= window;
            window += maxDatagramSize;
        }
    }

    @Override
    public void onCongestionEvent(long sentTimeNanos, long nowNanos) {
        if (!recovery.onLoss(sentTimeNanos, nowNanos)) {
            return;
        }
        slowStartThreshold = Math.max(window / 2, minimumWindow);
        window = slowStartThreshold;
        bytesAckedInAvoidance = 0;
    }

    @Override
    public void onPersistentCongestion() {
        window = minimumWindow;
        recovery.end();
        bytesAckedInAvoidance = 0;
    }
}

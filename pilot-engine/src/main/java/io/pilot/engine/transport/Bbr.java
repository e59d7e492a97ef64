package io.pilot.engine.transport;

import java.util.random.RandomGenerator;

/**
 * A BBR-style model-based controller (after draft-ietf-ccwg-bbr, BBRv1 with BBRv2/v3's loss bounds). It does not read
 * loss as the signal to slow down; it measures the path: the bottleneck bandwidth is the largest delivery rate
 * ({@link DeliveryRateSampler}) of the last {@value #BANDWIDTH_WINDOW_ROUNDS} rounds, the propagation delay the least
 * RTT of the last 10 s, their product the bandwidth-delay product (BDP). It paces at the bandwidth times a gain and
 * keeps about two BDPs in flight.
 *
 * <ul>
 * <li>STARTUP: pacing gain 2.77 doubles the rate each round until the bandwidth stops growing by 25 % for three
 * rounds, or a round loses more than {@value #LOSS_THRESHOLD_PERCENT} % of its bytes with at least
 * {@value #STARTUP_LOSS_PACKETS} packets lost;</li>
 * <li>DRAIN: pacing gain 1/2.77 until the queue STARTUP built is gone (in flight &le; BDP);</li>
 * <li>PROBE_BW: a cycle of one round each at gains 1.25 (probe for more), 0.75 (drain what probing queued) and six at
 * 1, starting at a random phase so that flows sharing a path do not probe in step;</li>
 * <li>PROBE_RTT: when the least RTT has not been seen again for 10 s, at most half a BDP (at least four packets) in
 * flight for 200 ms and a round, so the queue drains and the propagation delay shows again.</li>
 * </ul>
 *
 * <p>Loss tolerance: losses are counted per round. A round that loses more than {@value #LOSS_THRESHOLD_PERCENT} %
 * bounds what may be in flight: {@code inflightHi} (long-term, set when probing up found the loss; raised again by a
 * quarter each loss-free probing round) or {@code inflightLo} (short-term, set in the other phases, forgotten at the
 * next probe), to 0.7 of the round's peak in flight. Neither bound goes below one BDP: random loss does not lower
 * the delivery rate the model sees, so it cannot starve the flow, while loss from congestion lowers the delivery
 * rate and with it the floor. Below the threshold, loss is not a signal at all.
 *
 * <p>Simplifications against the draft: no packet conservation in the first round of recovery, no idle restart,
 * no ACK-aggregation estimate (a fixed {@value #ACK_AGGREGATION_PACKETS} packets of headroom instead), probe-bandwidth
 * phases of one round rather than wall-clock cycles.
 */
final class Bbr implements CongestionController {

    enum Mode { STARTUP, DRAIN, PROBE_BW, PROBE_RTT }

    static final double STARTUP_GAIN = 2.77;
    static final double DRAIN_GAIN = 1 / STARTUP_GAIN;
    static final double CWND_GAIN = 2;
    static final double[] PROBE_BW_GAINS = {1.25, 0.75, 1, 1, 1, 1, 1, 1};
    static final int BANDWIDTH_WINDOW_ROUNDS = 10;
    static final long MIN_RTT_WINDOW_NANOS = 10_000_000_000L;
    static final long PROBE_RTT_NANOS = 200_000_000L;
    static final int LOSS_THRESHOLD_PERCENT = 2;
    static final int STARTUP_LOSS_PACKETS = 6;
    static final double BETA = 0.7;
    static final int MIN_PIPE_PACKETS = 4;
    static final int ACK_AGGREGATION_PACKETS = 3;
    private static final double FULL_BANDWIDTH_GROWTH = 1.25;
    private static final int FULL_BANDWIDTH_ROUNDS = 3;

    private final int initialWindowPackets;
    private final int minimumWindowPackets;
    /** The path's datagram size: the unit of the floors, the headroom and the initial window. */
    private int maxDatagramSize;
    private long initialWindow;
    private long minimumWindow;
    private final DeliveryRateSampler sampler = new DeliveryRateSampler();
    private final double[] bandwidthByRound = new double[BANDWIDTH_WINDOW_ROUNDS];
    private final long[] roundOfSlot = new long[BANDWIDTH_WINDOW_ROUNDS];

    private Mode mode = Mode.STARTUP;
    private long window;
    private double maxBandwidth;
    private long minRtt = Long.MAX_VALUE;
    private long minRttStampNanos;

    private long round;
    private long nextRoundDelivered;
    private boolean roundEnds;
    private long ackRtt = Long.MAX_VALUE;
    private long ackedBytes;
    private long roundDeliveredBytes;
    private long roundLostBytes;
    private int roundLostPackets;
    private long roundPeakInFlight;

    private boolean filledPipe;
    private double fullBandwidth;
    private int roundsWithoutGrowth;
    private int cycleIndex;
    private final int firstCycleIndex;
    private long inflightHi = Long.MAX_VALUE;
    private long inflightLo = Long.MAX_VALUE;
    private long probeRttDoneNanos;
    private boolean probeRttRoundDone;
    private long windowBeforeProbeRtt;

    Bbr(int maxDatagramSize, int initialWindowPackets, int minimumWindowPackets, RandomGenerator random) {
        this.initialWindowPackets = initialWindowPackets;
        this.minimumWindowPackets = Math.max(minimumWindowPackets, MIN_PIPE_PACKETS);
        onDatagramSizeChanged(maxDatagramSize);
        this.window = initialWindow;
        int phase = random.nextInt(PROBE_BW_GAINS.length - 1);
        this.firstCycleIndex = phase == 0 ? 0 : phase + 1; // never start by draining: phase 1 is the 0.75 one
    }

    /**
     * The floors ({@value #MIN_PIPE_PACKETS} packets at least), the headroom ({@value #ACK_AGGREGATION_PACKETS}
     * packets) and the initial window count datagrams of the path's size: counted in 1,200-byte packets on a path
     * that carries 16 KiB datagrams, the headroom was less than one datagram.
     */
    @Override
    public void onDatagramSizeChanged(int maxDatagramSize) {
        this.maxDatagramSize = maxDatagramSize;
        initialWindow = (long) initialWindowPackets * maxDatagramSize;
        minimumWindow = (long) minimumWindowPackets * maxDatagramSize;
        window = Math.max(window, minimumWindow);
    }

    @Override
    public long window() {
        return window;
    }

    @Override
    public long minimumWindow() {
        return minimumWindow;
    }

    Mode mode() {
        return mode;
    }

    /** Bottleneck bandwidth estimate, bytes per nanosecond; 0 before the first sample. */
    double bandwidth() {
        return maxBandwidth;
    }

    /** Least RTT seen in the window, or {@link Long#MAX_VALUE}. */
    long minRtt() {
        return minRtt;
    }

    long inflightHi() {
        return inflightHi;
    }

    long inflightLo() {
        return inflightLo;
    }

    double pacingGain() {
        return switch (mode) {
            case STARTUP -> STARTUP_GAIN;
            case DRAIN -> DRAIN_GAIN;
            case PROBE_BW -> PROBE_BW_GAINS[cycleIndex];
            case PROBE_RTT -> 1;
        };
    }

    /**
     * The model's bandwidth times the phase's gain. Until the pipe is known to be full, while the application limits
     * the sender (or before any sample), the rate is at least {@code 2.77 × window / srtt}, as slow start's would be:
     * a connection that has only carried small requests has only application-limited samples, tiny ones, and
     * pacing a burst at their rate would add seconds of delay.
     */
    @Override
    public double pacingRate(long smoothedRttNanos) {
        double modelled = pacingGain() * maxBandwidth;
        if (filledPipe || smoothedRttNanos <= 0 || (maxBandwidth > 0 && !sampler.isAppLimited())) {
            return modelled;
        }
        return Math.max(modelled, STARTUP_GAIN * window / smoothedRttNanos);
    }

    /** The bandwidth-delay product; the initial window until both are measured. */
    long bdp() {
        if (maxBandwidth <= 0 || minRtt == Long.MAX_VALUE) {
            return initialWindow;
        }
        return (long) (maxBandwidth * minRtt);
    }

    @Override
    public void onPacketSent(SentPacket packet, long bytesInFlight, long nowNanos) {
        sampler.onPacketSent(packet, bytesInFlight);
        roundPeakInFlight = Math.max(roundPeakInFlight, bytesInFlight);
    }

    @Override
    public void onApplicationLimited(long bytesInFlight) {
        sampler.onApplicationLimited(bytesInFlight);
    }

    @Override
    public void onPacketAcked(SentPacket packet, long nowNanos, boolean appLimited) {
        sampler.onPacketAcked(packet, nowNanos);
        ackedBytes += packet.size;
        roundDeliveredBytes += packet.size;
        ackRtt = Math.min(ackRtt, nowNanos - packet.sentNanos);
        if (packet.delivered >= nextRoundDelivered) {
            roundEnds = true;
        }
    }

    @Override
    public void onPacketLost(SentPacket packet) {
        roundLostBytes += packet.size;
        roundLostPackets++;
    }

    @Override
    public void onAckProcessed(long nowNanos, long bytesInFlight) {
        boolean roundStart = roundEnds;
        roundEnds = false;
        boolean excessLoss = false;
        boolean startupLoss = false;
        long peak = roundPeakInFlight;
        if (roundStart) {
            round++;
            nextRoundDelivered = sampler.delivered();
            excessLoss = roundLostBytes * 100 > (roundLostBytes + roundDeliveredBytes) * LOSS_THRESHOLD_PERCENT;
            startupLoss = excessLoss && roundLostPackets >= STARTUP_LOSS_PACKETS;
            roundLostBytes = 0;
            roundDeliveredBytes = 0;
            roundLostPackets = 0;
            roundPeakInFlight = bytesInFlight;
        }
        updateMinRtt(nowNanos);
        updateBandwidth();
        if (roundStart) {
            onRoundEnd(peak, excessLoss, startupLoss);
        }
        advanceWithinRound(nowNanos, bytesInFlight);
        updateWindow();
        ackedBytes = 0;
        ackRtt = Long.MAX_VALUE;
    }

    private void updateBandwidth() {
        if (!sampler.onAckProcessed(minRtt == Long.MAX_VALUE ? 0 : minRtt)) {
            return;
        }
        double rate = sampler.rate();
        if (sampler.appLimited() && rate < maxBandwidth) {
            return;
        }
        int slot = (int) (round % BANDWIDTH_WINDOW_ROUNDS);
        if (roundOfSlot[slot] != round) {
            roundOfSlot[slot] = round;
            bandwidthByRound[slot] = 0;
        }
        bandwidthByRound[slot] = Math.max(bandwidthByRound[slot], rate);
        double max = 0;
        for (int i = 0; i < BANDWIDTH_WINDOW_ROUNDS; i++) {
            if (round - roundOfSlot[i] < BANDWIDTH_WINDOW_ROUNDS) {
                max = Math.max(max, bandwidthByRound[i]);
            }
        }
        maxBandwidth = max;
    }

    private void updateMinRtt(long nowNanos) {
        if (ackRtt == Long.MAX_VALUE) {
            return;
        }
        boolean expired = minRtt != Long.MAX_VALUE && nowNanos - minRttStampNanos > MIN_RTT_WINDOW_NANOS;
        // Strictly less: an equal sample does not renew the stamp, so PROBE_RTT comes every 10 s on a steady path.
        if (ackRtt < minRtt || expired) {
            minRtt = ackRtt;
            minRttStampNanos = nowNanos;
        }
        if (expired && mode != Mode.PROBE_RTT) {
            windowBeforeProbeRtt = window;
            mode = Mode.PROBE_RTT;
            probeRttDoneNanos = 0;
        }
    }

    /** What a round's end decides: whether the pipe is full, the probing cycle's next phase, the loss bounds. */
    private void onRoundEnd(long peak, boolean excessLoss, boolean startupLoss) {
        if (mode == Mode.STARTUP) {
            checkFullPipe(startupLoss, peak);
        } else if (mode == Mode.PROBE_BW) {
            boolean probedUp = PROBE_BW_GAINS[cycleIndex] > 1;
            if (excessLoss) {
                if (probedUp) {
                    inflightHi = Math.max(bdp(), (long) (BETA * peak));
                } else {
                    inflightLo = Math.max(bdp(), (long) (BETA * Math.min(inflightLo, peak)));
                }
            } else if (probedUp && inflightHi != Long.MAX_VALUE) {
                inflightHi += Math.max(maxDatagramSize, inflightHi / 4);
            }
            cycleIndex = (cycleIndex + 1) % PROBE_BW_GAINS.length;
            if (PROBE_BW_GAINS[cycleIndex] > 1) {
                inflightLo = Long.MAX_VALUE;
            }
        } else if (mode == Mode.PROBE_RTT && probeRttDoneNanos != 0) {
            probeRttRoundDone = true;
        }
    }

    private void checkFullPipe(boolean startupLoss, long peak) {
        if (startupLoss) {
            filledPipe = true;
            inflightHi = Math.max(bdp(), peak);
        } else if (!sampler.appLimited()) {
            if (maxBandwidth >= fullBandwidth * FULL_BANDWIDTH_GROWTH) {
                fullBandwidth = maxBandwidth;
                roundsWithoutGrowth = 0;
            } else if (++roundsWithoutGrowth >= FULL_BANDWIDTH_ROUNDS) {
                filledPipe = true;
            }
        }
        if (filledPipe) {
            mode = Mode.DRAIN;
        }
    }

    private void advanceWithinRound(long nowNanos, long bytesInFlight) {
        if (mode == Mode.DRAIN && bytesInFlight <= bdp()) {
            enterProbeBw();
        }
        if (mode == Mode.PROBE_RTT) {
            if (probeRttDoneNanos == 0 && bytesInFlight <= probeRttWindow()) {
                probeRttDoneNanos = nowNanos + PROBE_RTT_NANOS;
                probeRttRoundDone = false;
            } else if (probeRttDoneNanos != 0 && probeRttRoundDone && nowNanos - probeRttDoneNanos >= 0) {
                minRttStampNanos = nowNanos;
                window = Math.max(window, windowBeforeProbeRtt);
                if (filledPipe) {
                    enterProbeBw();
                } else {
                    mode = Mode.STARTUP;
                }
            }
        }
    }

    private void enterProbeBw() {
        mode = Mode.PROBE_BW;
        cycleIndex = firstCycleIndex;
    }

    private long probeRttWindow() {
        return Math.max(minimumWindow, bdp() / 2);
    }

    private void updateWindow() {
        double gain = mode == Mode.STARTUP || mode == Mode.DRAIN || mode == Mode.PROBE_BW ? CWND_GAIN : 1;
        long headroom = (long) ACK_AGGREGATION_PACKETS * maxDatagramSize;
        long target = (long) (gain * bdp()) + headroom;
        if (filledPipe) {
            window = Math.min(window + ackedBytes, target);
        } else if (window < target || sampler.delivered() < initialWindow) {
            window += ackedBytes;
        }
        // The loss bounds never hold the window below what the phase's pacing needs in flight: one BDP, or 1.25 BDPs
        // while probing up, so a probe can always show more bandwidth (see the class comment).
        long floor = (long) (Math.max(1, pacingGain()) * bdp()) + headroom;
        long bound = Math.max(Math.min(inflightHi, inflightLo), floor);
        window = Math.max(Math.min(window, bound), minimumWindow);
        if (mode == Mode.PROBE_RTT) {
            window = Math.min(window, probeRttWindow());
        }
    }

    @Override
    public void onCongestionEvent(long sentTimeNanos, long nowNanos) {
        // Loss is weighed per round in onAckProcessed, against the threshold, not per event.
    }

    @Override
    public void onPersistentCongestion() {
        window = minimumWindow;
    }
}

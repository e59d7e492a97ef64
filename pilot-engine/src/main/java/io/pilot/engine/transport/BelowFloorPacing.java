package io.pilot.engine.transport;

/**
 * Paces a flow below its congestion controller's minimum window when the path cannot carry even that, as behind a
 * token-bucket policer of a low rate on a short path. Every {@link Connection} wraps the controller {@link
 * CongestionControl} chose in one, which acts only around the window-based controllers (NewReno, CUBIC) with pacing
 * on.
 *
 * <p>Why. A window-based controller slows down by shrinking its window, but never below the minimum window (two
 * packets, RFC 9002 7.2), so it never sends less than two packets per round trip. Behind a policer of 2,000 kB/s on a
 * path of 0.3 ms (the NAT lab's) that is some 9 MB/s: the window sits at its floor and only the policer's drops pace
 * the flow. Measured there before this class: the flow sent 1.5 times the rate and lost a third of its packets, each
 * tail repaired by a probe after about a millisecond, while a TCP flow beside it lost every retransmission to a bucket
 * just emptied and sat in retransmission timeouts, with 0 % of the rate. TCP's own answer to the case is its timer's
 * exponential backoff from a floor of 200 ms, which RFC 9002 deliberately does not have.
 *
 * <p>When. A loss episode ({@link RecoveryPeriod}) starts a <em>trial</em> if all of these hold: the window is at the
 * controller's floor; the path delivered less than {@value #FLOOR_PART} of the minimum window per smoothed round trip
 * over the last {@value #AVERAGE_PACKETS} acknowledged packets, with the application never short of data meanwhile
 * (so neither the window nor the application is what paces the flow); at least
 * {@value #SUSPECT_LOSS_FRACTION} of the last packets were lost (a moving average over about {@value
 * #AVERAGE_PACKETS}); and no failed trial asked for quiet. Random loss on a path that carries the window fails the
 * second condition: a flow whose window governs delivers about a window per round trip.
 *
 * <p>The trial tells a policer from loss that is not the flow's doing: congestive loss falls when the sender slows
 * down, random loss (or a flow that does not yield overrunning the same bucket) does not. The flow paces at half the rate it was
 * delivered until {@value #AVERAGE_PACKETS} packets sent in the trial have an outcome. If they lost at most a third of
 * the fraction that started the trial, the cap stays; if they lost more but at most {@value #FELL_LOSS_PART} of it, the
 * loss answered the slower rate without falling far enough, and the trial goes on at half its rate, at most {@value
 * #MAX_DEEPENINGS} times, each time only if the loss fell again from the step before (two flows at their floors through
 * one bucket: each one's trial at half its rate still met the other's overrun, both failed and both went on losing half
 * their packets; FairnessTests); otherwise the flow goes back to
 * its controller's rate, and no trial starts for {@value #FIRST_QUIET_SECONDS} s, twice as long after each further
 * failed one (at most {@value #MAX_QUIET_SECONDS} s, back to {@value #FIRST_QUIET_SECONDS} s only when a cap has grown
 * out of the way). A trial costs at most half the rate for {@value
 * #AVERAGE_PACKETS} packets. One still short of its outcomes after {@value #TRIAL_OVERTIME} times its packets' time
 * at its rate is void (the application went quiet meanwhile): no cap on evidence that old, and no quiet. A capped flow gives up the same way when its loss outlasts the cap: loss episodes that
 * each find it <em>squeezed</em> (losing {@value #SUSPECT_LOSS_FRACTION} of some {@value #AVERAGE_PACKETS} packets
 * since it was capped, the average going on from the trial's) or <em>collapsed</em> (the cap cut below {@code 1/8} of
 * its trial's rate), for {@value #HOPELESS_NANOS} ns with no gap as long between two of them. Squeezed: another flow
 * that does not yield is overrunning the bucket, and yielding further would only starve this one (two BBR-style flows
 * through the NAT lab's policer: one capped down to a datagram per 100 ms while the other took 92 %, before this
 * rule). Collapsed: a policer stops dropping once the sender is below its rate, random loss a trial happened to miss
 * does not (NewReno at 5 % random loss on loopback: a trial started on a chance run of losses, passed on a chance run
 * without, and the cap, cut at every loss, held the flow at a twentieth of its goodput). Over a whole second, not at
 * the first such episode: a TCP flow beside this one, leaving a retransmission timeout in slow start, empties the
 * bucket in one burst that can squeeze or collapse the cap at once and is over in milliseconds; giving up on it put
 * this flow back at its floor's rate, and the TCP flow at 16 % of the policer's rate (NAT lab, one run in several).
 *
 * <p>The cap. From the trial's rate it is cut to {@value #BETA} of itself at every further loss episode and grows by
 * its own size per second between them (compounded per ACK): flows losing packets in proportion to their rates
 * converge, and a flow that leaves tokens in the bucket leaves them long enough for a TCP flow's retransmission to
 * find them. It never falls below one datagram per {@value #MIN_RATE_INTERVAL_MILLIS} ms, and lifts once it has
 * grown to the controller's own rate. While the cap binds (trial or capped), ACKs reach the controller as
 * application-limited: its window is not what limits the sender, so it must not grow on them. And {@link Connection}
 * then paces the probes a probe timeout sends, which otherwise leave at once: without that, on the virtual clock's
 * 200 kB/s policer, the trial's own probes overran the bucket, every trial failed and the flow kept losing 70 % of
 * its packets (BelowFloorPacingTests).
 */
final class BelowFloorPacing implements CongestionController {

    /** Packets the loss average and the delivery rate span, and the outcomes a trial waits for. */
    static final int AVERAGE_PACKETS = 32;
    /** Fraction of recent packets lost, at the window's floor, that starts a trial. */
    static final double SUSPECT_LOSS_FRACTION = 0.25;
    /** A trial starts only if the path delivered less than this part of the minimum window per round trip. */
    static final double FLOOR_PART = 0.5;
    /** The trial holds the cap if its loss fraction is at most this part of the one that started it. */
    static final double RESPONSIVE_LOSS_PART = 1.0 / 3;
    /** A trial whose loss fell to at most this part of the one that started it, not to a third, tries half the rate. */
    static final double FELL_LOSS_PART = 0.8;
    /** Halvings a trial may take so: down to an eighth of the delivery rate. */
    static final int MAX_DEEPENINGS = 2;
    /**
     * Part of the cap kept at a loss episode: chosen in the NAT lab beside TCP Reno, between 0.7 (CUBIC's β; TCP took
     * 60 to 73 % of the policer) and 0.8 (the Pilot flow took 59 to 67 %).
     */
    static final double BETA = 0.75;
    /** The cap grows by its own size every this many nanoseconds without loss. */
    static final long GROWTH_NANOS = 1_000_000_000L;
    static final int FIRST_QUIET_SECONDS = 10;
    static final int MAX_QUIET_SECONDS = 640;
    static final int MIN_RATE_INTERVAL_MILLIS = 100;
    /** A cap cut below this part of its trial's rate gives up: a policer's loss stops well before that. */
    static final double COLLAPSE_PART = 1.0 / 8;
    /**
     * A trial still short of its outcomes after this many times what its packets take at its rate (plus a few round
     * trips for their outcomes) measured an application that went quiet, not the path: it is void.
     */
    static final int TRIAL_OVERTIME = 2;
    /**
     * A capped flow gives up only on loss that outlasts this: loss episodes that each find it squeezed or collapsed,
     * spanning this long with no gap as long between two of them. One burst of another flow's (a TCP flow leaving a
     * retransmission timeout in slow start empties the bucket at once) is over in a fraction of that.
     */
    static final long HOPELESS_NANOS = 1_000_000_000L;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private enum State { UNCAPPED, TRIAL, CAPPED }

    private final CongestionController controller;
    private final RttEstimator rtt;
    private final boolean active;
    private final RecoveryPeriod recovery = new RecoveryPeriod();
    private int maxDatagramSize;
    private State state = State.UNCAPPED;
    /** Moving average of lost (1) or acknowledged (0) over recent packets. */
    private double lossFraction;
    private int outcomes;
    /** Delivery rate over the last complete span of acknowledged packets, bytes per nanosecond; 0 before the first. */
    private double deliveryRate;
    private long spanBytes;
    private int spanPackets;
    private long spanStartNanos = Long.MIN_VALUE;
    /** Whether the sender had nothing to send, with window to spare, at some point of the current span. */
    private boolean spanAppLimited;
    /** Bytes per nanosecond, while TRIAL or CAPPED. */
    private double cap;
    private long grownNanos;
    private long trialStartNanos;
    /** Halvings of the current trial's rate ({@link #FELL_LOSS_PART}), and the loss fraction its last step saw. */
    private int deepenings;
    private double stepLoss;
    private double trialStartLoss;
    private int trialOutcomes;
    private int trialLost;
    /** Set by a failed trial: no trial starts before {@link #quietUntilNanos}. */
    private boolean quiet;
    private long quietUntilNanos;
    private long quietNanos = FIRST_QUIET_SECONDS * NANOS_PER_SECOND;
    /** Whether the last loss episode while capped found the flow squeezed or collapsed. */
    private boolean hopeless;
    /** The first of the current run of such episodes, and the latest. */
    private long hopelessSinceNanos;
    private long hopelessLastNanos;
    /** The rate of the trial's first step, bytes per nanosecond: what a cap that collapsed fell from. */
    private double trialRate;
    private long trials;
    private long caps;
    private long voidTrials;

    /**
     * @param active whether to act at all: not without a pacer to slow the sender down, nor around a controller that
     *               paces at its own model's rate and reads its own samples (the BBR-style one: the application-limited
     *               ACKs a cap hands on do not reach its delivery-rate sampler, whose estimate would fall to the cap)
     */
    BelowFloorPacing(CongestionController controller, int maxDatagramSize, RttEstimator rtt, boolean active) {
        this.controller = controller;
        this.maxDatagramSize = maxDatagramSize;
        this.rtt = rtt;
        this.active = active;
    }

    /** Whether the flow is paced below its controller's rate now (in a trial, or capped). */
    boolean capped() {
        return state != State.UNCAPPED;
    }

    /** Trials started. */
    long trials() {
        return trials;
    }

    /** Trials abandoned because the application went quiet before they had their outcomes. */
    long voidTrials() {
        return voidTrials;
    }

    /** Trials that found the loss the flow's own doing and kept the cap. */
    long caps() {
        return caps;
    }

    @Override
    public long window() {
        return controller.window();
    }

    @Override
    public long minimumWindow() {
        return controller.minimumWindow();
    }

    @Override
    public void onDatagramSizeChanged(int maxDatagramSize) {
        this.maxDatagramSize = maxDatagramSize;
        controller.onDatagramSizeChanged(maxDatagramSize);
    }

    @Override
    public double pacingRate(long smoothedRttNanos) {
        double rate = controller.pacingRate(smoothedRttNanos);
        return state == State.UNCAPPED || rate <= 0 ? rate : Math.min(cap, rate);
    }

    @Override
    public void onPacketSent(SentPacket packet, long bytesInFlight, long nowNanos) {
        if (state == State.TRIAL && nowNanos - trialStartNanos > trialLimitNanos()) {
            // The application went quiet mid-trial: its outcomes came too slowly to say anything of the path now.
            // No cap on stale evidence, and no quiet either: the flow was not found to resist a slower rate.
            voidTrials++;
            uncap();
        }
        controller.onPacketSent(packet, bytesInFlight, nowNanos);
    }

    /**
     * How long a trial's step may take: {@value #TRIAL_OVERTIME} times its packets' time at its rate (the cap, halved
     * by each step), and 4 round trips.
     */
    private long trialLimitNanos() {
        return (long) (TRIAL_OVERTIME * AVERAGE_PACKETS * maxDatagramSize / cap) + 4 * Math.max(rtt.smoothed(), 0);
    }

    @Override
    public void onApplicationLimited(long bytesInFlight) {
        spanAppLimited = true;
        controller.onApplicationLimited(bytesInFlight);
    }

    @Override
    public void onPacketAcked(SentPacket packet, long nowNanos, boolean appLimited) {
        countOutcome(packet, false);
        measureDelivery(packet.size, nowNanos);
        controller.onPacketAcked(packet, nowNanos, appLimited || state != State.UNCAPPED);
        if (state == State.CAPPED) {
            cap += cap * Math.max(0, nowNanos - grownNanos) / GROWTH_NANOS;
            grownNanos = nowNanos;
            if (cap >= controller.pacingRate(rtt.smoothed())) {
                uncap(); // the cap grew back out of the way: whatever limited the path is gone, so is the suspicion
                quietNanos = FIRST_QUIET_SECONDS * NANOS_PER_SECOND;
            }
        }
        decideTrial(nowNanos);
    }

    @Override
    public void onPacketLost(SentPacket packet) {
        countOutcome(packet, true);
        controller.onPacketLost(packet);
    }

    @Override
    public void onAckProcessed(long nowNanos, long bytesInFlight) {
        controller.onAckProcessed(nowNanos, bytesInFlight);
    }

    @Override
    public void onCongestionEvent(long sentTimeNanos, long nowNanos) {
        controller.onCongestionEvent(sentTimeNanos, nowNanos);
        boolean newEpisode = recovery.onLoss(sentTimeNanos, nowNanos);
        if (state == State.TRIAL) {
            decideTrial(nowNanos);
        } else if (newEpisode && state == State.CAPPED) {
            cap = Math.max(cap * BETA, minimumRate());
            grownNanos = nowNanos;
            if (lossOutlastsTheCap(nowNanos)) {
                giveUp(nowNanos);
            }
        } else if (newEpisode && suspectsPolicer(nowNanos)) {
            startTrial(nowNanos);
        }
    }

    @Override
    public void onPersistentCongestion() {
        controller.onPersistentCongestion();
        recovery.end(); // as the controllers' own periods end: the next loss is a new episode for both
    }

    /**
     * Whether this loss episode, just cut for, ends a run of {@value #HOPELESS_NANOS} ns of them that each found the
     * cap squeezed (losing {@value #SUSPECT_LOSS_FRACTION} of some {@value #AVERAGE_PACKETS} packets since it was
     * capped, the average going on from the trial's: another flow that does not yield overruns the bucket) or collapsed
     * (below {@link #COLLAPSE_PART} of the trial's rate: a policer stops dropping once the sender is below its rate,
     * random loss does not).
     */
    private boolean lossOutlastsTheCap(long nowNanos) {
        boolean squeezed = outcomes >= AVERAGE_PACKETS && lossFraction >= SUSPECT_LOSS_FRACTION;
        boolean collapsed = cap < trialRate * COLLAPSE_PART;
        if (!squeezed && !collapsed) {
            hopeless = false;
            return false;
        }
        if (!hopeless || nowNanos - hopelessLastNanos >= HOPELESS_NANOS) {
            hopeless = true;
            hopelessSinceNanos = nowNanos;
        }
        hopelessLastNanos = nowNanos;
        return nowNanos - hopelessSinceNanos >= HOPELESS_NANOS;
    }

    /** One datagram per {@value #MIN_RATE_INTERVAL_MILLIS} ms, bytes per nanosecond. */
    private double minimumRate() {
        return (double) maxDatagramSize / (MIN_RATE_INTERVAL_MILLIS * 1_000_000L);
    }

    private boolean suspectsPolicer(long nowNanos) {
        long srtt = rtt.smoothed();
        return active && controller.window() <= controller.minimumWindow()
                && outcomes >= AVERAGE_PACKETS && lossFraction >= SUSPECT_LOSS_FRACTION
                && deliveryRate > 0 && srtt > 0 && deliveryRate < FLOOR_PART * controller.minimumWindow() / srtt
                && (!quiet || nowNanos - quietUntilNanos >= 0);
    }

    private void startTrial(long nowNanos) {
        state = State.TRIAL;
        trials++;
        cap = Math.max(deliveryRate / 2, minimumRate());
        trialRate = cap;
        trialStartNanos = nowNanos;
        deepenings = 0;
        trialStartLoss = lossFraction;
        stepLoss = lossFraction;
        trialOutcomes = 0;
        trialLost = 0;
    }

    /** Ends a trial once enough of its packets have an outcome: capped, or back to the controller and quiet. */
    private void decideTrial(long nowNanos) {
        if (state != State.TRIAL || trialOutcomes < AVERAGE_PACKETS) {
            return;
        }
        if (trialLost <= trialStartLoss * RESPONSIVE_LOSS_PART * trialOutcomes) {
            state = State.CAPPED;
            hopeless = false;
            caps++;
            grownNanos = nowNanos;
            // The loss average starts over from the trial's: a cap that goes on losing as much gives up.
            lossFraction = (double) trialLost / trialOutcomes;
            outcomes = 0;
        } else if (trialLost <= stepLoss * FELL_LOSS_PART * trialOutcomes && deepenings < MAX_DEEPENINGS
                && cap / 2 > minimumRate()) {
            // The loss fell, not far enough: the rate tried is still above what is left of the bucket (another flow
            // at its floor shares it, or a burst inflated the rate the trial halved). Random loss does not fall, but
            // a trial starts at a chance high, so each halving asks for a fall from the last step's loss, not only
            // from that high; the cap it may end in still answers to the first step's rate (collapse).
            deepenings++;
            stepLoss = (double) trialLost / trialOutcomes;
            cap /= 2;
            trialStartNanos = nowNanos;
            trialOutcomes = 0;
            trialLost = 0;
        } else {
            giveUp(nowNanos);
        }
    }

    /** The loss is not the flow's to cure: back to the controller's rate, and no trial for a while. */
    private void giveUp(long nowNanos) {
        uncap();
        quiet = true;
        quietUntilNanos = nowNanos + quietNanos;
        quietNanos = Math.min(quietNanos * 2, MAX_QUIET_SECONDS * NANOS_PER_SECOND);
    }

    private void countOutcome(SentPacket packet, boolean lost) {
        lossFraction += ((lost ? 1 : 0) - lossFraction) / AVERAGE_PACKETS;
        outcomes++;
        if (state == State.TRIAL && packet.sentNanos - trialStartNanos > 0) {
            trialOutcomes++;
            if (lost) {
                trialLost++;
            }
        }
    }

    private void measureDelivery(int bytes, long nowNanos) {
        if (spanStartNanos == Long.MIN_VALUE) {
            spanStartNanos = nowNanos;
            return;
        }
        spanBytes += bytes;
        if (++spanPackets >= AVERAGE_PACKETS && nowNanos - spanStartNanos > 0) {
            // A rate the application held down says nothing of the path (a connection carrying a few requests a
            // second delivers little, and must not be tried at half of that).
            deliveryRate = spanAppLimited ? 0 : (double) spanBytes / (nowNanos - spanStartNanos);
            spanAppLimited = false;
            spanBytes = 0;
            spanPackets = 0;
            spanStartNanos = nowNanos;
        }
    }

    /** Back to the controller's own rate; the loss average starts over, so that a new trial needs fresh loss. */
    private void uncap() {
        state = State.UNCAPPED;
        outcomes = 0;
        lossFraction = 0;
    }
}

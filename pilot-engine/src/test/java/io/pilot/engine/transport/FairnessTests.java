package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two flows of one controller share one path, the second arriving when the first already has it; once both have run
 * together 8 s, what each delivers over the next ten seconds of virtual time is compared (byte counts, not timing).
 *
 * <p>A single run is one sample of a distribution: where losses fall moves with the transport's randomly skipped packet
 * numbers ({@code SkippedPacketNumbers}) and BBR's random probing phases, and one run of CUBIC through the drop-tail
 * queue below gives anywhere from 0.62 to 0.99 (12 seeds). Held to one run, a threshold either cannot fail or fails
 * now and then (0.69 against 0.7 once in CI). So each case runs a fixed set of seeds (a seed repeats its run exactly,
 * {@link SharedBottleneck}) and holds the distribution: the median share against the target, the worst
 * against starvation.
 */
class FairnessTests {

    private static final long SECOND = 1_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final long US = 1_000L;
    /** Seven runs: a median that one unlucky run cannot move below the target by itself. */
    private static final long[] SEEDS = LongStream.rangeClosed(1, 7).toArray();

    /**
     * A bottleneck of 2 MB/s, 10 ms each way, a drop-tail queue of 20 ms. Over seeds 1 to 12, NewReno's smaller share
     * runs 0.77 to 0.99 (median 0.92), CUBIC's 0.62 to 0.99 (median 0.87): both meet the target (within 20 %,
     * a share of at least 0.8 of the other) in the median, and no run starves a flow. The BBR-style controller does
     * not: 0.23 to 0.99, median about 0.5, depending on how the two flows' probing phases fall (the newcomer's STARTUP
     * queue inflates what the incumbent sees, and the two converge only over several PROBE_RTT cycles); it is held
     * to what it reaches now, so that a regression shows and the gap stays visible.
     */
    @ParameterizedTest
    @EnumSource(CongestionControl.class)
    void twoFlowsShareOneBottleneck(CongestionControl controller) {
        double[] shares = new double[SEEDS.length];
        for (int i = 0; i < SEEDS.length; i++) {
            SharedBottleneck path = new SharedBottleneck(2_000_000, 20 * MS, 10 * MS, SEEDS[i]);
            Shares run = Shares.ofLateArrival(path, controller, 40L << 20);
            // Together they fill the bottleneck (less headers, ACK-paced gaps and retransmissions).
            assertThat(run.total()).as("seed %d: bytes delivered in 10 s", SEEDS[i]).isGreaterThan(10 * 2_000_000L * 8 / 10);
            shares[i] = run.ratio();
        }
        Distribution held = switch (controller) {
            case NEWRENO, CUBIC -> new Distribution(0.8, 0.6);
            case BBR -> new Distribution(0.4, 0.2);
        };
        held.check(controller, shares);
    }

    /**
     * The NAT lab's case on the virtual clock ({@code BottleneckFairnessTest}), harder: a policer of 2 MB/s with a
     * 64 kB bucket in front of a fast link, 1 ms each way, so the flows meet loss and no queue, and the second flow
     * arrives when the first already has the path. NewReno and CUBIC share it within a few per cent (0.95 to 1.00
     * over 12 seeds): halving or keeping 0.7 of a window per loss episode, with additive growth, converges. The
     * BBR-style controller does not: both flows lose the same fraction at the policer, and a controller that probes
     * by a factor (1.25) and shrinks by the fraction lost keeps whatever ratio the first seconds gave, so the late
     * flow gets 0.00 to 0.43 of the other's share (12 seeds; the NAT lab's flows start together and split evenly).
     * For BBR the test holds only that both flows run without errors and the pair fills half the policer; the split
     * is printed, the gap open.
     */
    @ParameterizedTest
    @EnumSource(CongestionControl.class)
    void twoFlowsShareAPolicer(CongestionControl controller) {
        long[] seeds = Arrays.copyOf(SEEDS, 3);
        double[] shares = new double[seeds.length];
        for (int i = 0; i < seeds.length; i++) {
            SharedBottleneck path = new SharedBottleneck(20_000_000, 20 * MS, MS, seeds[i]).policedBy(2_000_000, 64_000);
            Shares run = Shares.ofLateArrival(path, controller, 80L << 20);
            System.out.printf("policed %s, seed %d: %d vs %d bytes, %d dropped%n", controller.id(), seeds[i], run.first(),
                    run.second(), path.dropped);
            assertThat(run.total()).as("seed %d: bytes delivered in 10 s", seeds[i]).isGreaterThan(10 * 2_000_000L / 2);
            shares[i] = run.ratio();
        }
        if (controller != CongestionControl.BBR) {
            new Distribution(0.9, 0.9).check(controller, shares);
        }
    }

    /**
     * The NAT lab's own round trip (0.3 ms) on the virtual clock, through the same policer: two packets per round trip
     * are then some 8 MB/s, four times its rate, so each flow's window sits at its floor and only {@code
     * BelowFloorPacing} can slow it (the lab's {@code BottleneckFairnessTest}, without its two shared cores). CUBIC,
     * the default, seeds 1 to 3. Measured: both flows end capped below their floors, the policer dropping 391 to 495
     * packets of some 16,000 in each run, and they share 0.81 to 0.96 (0.69 once, seed 2 arriving apart). Before a trial
     * could halve its rate again (when its loss fell, not to a third), flows starting together met each other's
     * overrun in their trials, both failed, and the policer dropped about half of what they sent (33,000 to 35,000
     * packets), though they still shared 0.81 to 0.99. A lopsided split in the lab (0.09 once on the CI host) points
     * at the host's two shared cores more than at the protocol.
     */
    @ParameterizedTest(name = "second flow {0} ms later")
    @ValueSource(longs = {0, 2_000})
    void twoFlowsShareAPolicerBelowTheirFloor(long lateMillis) {
        long[] seeds = Arrays.copyOf(SEEDS, 3);
        double[] shares = new double[seeds.length];
        for (int i = 0; i < seeds.length; i++) {
            SharedBottleneck path = new SharedBottleneck(20_000_000, 20 * MS, 150 * US, seeds[i]).policedBy(2_000_000, 64_000);
            Shares run = Shares.of(path, CongestionControl.CUBIC, 80L << 20, lateMillis * MS);
            System.out.printf("policed below the floor, second flow %d ms later, seed %d: %d vs %d bytes, %d dropped%n",
                    lateMillis, seeds[i], run.first(), run.second(), path.dropped);
            assertThat(run.total()).as("seed %d: bytes delivered in 10 s", seeds[i]).isGreaterThan(10 * 2_000_000L * 8 / 10);
            // Both below their floors, not overrunning: a few hundred drops over the run, not tens of thousands.
            assertThat(path.dropped).as("seed %d: packets the policer dropped", seeds[i]).isLessThan(2_000);
            shares[i] = run.ratio();
        }
        new Distribution(0.8, 0.6).check(CongestionControl.CUBIC, shares);
    }

    /** What a set of runs must reach: the median share, and the smallest of any run. */
    private record Distribution(double median, double least) {
        void check(CongestionControl controller, double[] shares) {
            double[] sorted = shares.clone();
            Arrays.sort(sorted);
            String runs = Arrays.toString(shares);
            assertThat(sorted[sorted.length / 2]).as("%s: median share of %s", controller, runs).isGreaterThanOrEqualTo(median);
            assertThat(sorted[0]).as("%s: smallest share of %s", controller, runs).isGreaterThanOrEqualTo(least);
        }
    }

    /** Bytes each of two flows delivered over 10 s once both had run 8 s. */
    private record Shares(long first, long second) {
        static Shares ofLateArrival(SharedBottleneck path, CongestionControl controller, long bytes) {
            return of(path, controller, bytes, 2 * SECOND);
        }

        /** Bytes each delivered in the 10 s after the second, started {@code lateNanos} after the first, had 8 s. */
        static Shares of(SharedBottleneck path, CongestionControl controller, long bytes, long lateNanos) {
            TransportConfig config = TransportConfig.builder().congestionControl(controller).build();
            SharedBottleneck.Flow first = path.addFlow(config, bytes);
            if (lateNanos > 0) {
                path.runFor(lateNanos);
            }
            SharedBottleneck.Flow second = path.addFlow(config, bytes);
            path.runFor(8 * SECOND);
            long firstBefore = first.received.bytes;
            long secondBefore = second.received.bytes;
            path.runFor(10 * SECOND);
            assertThat(first.received.errors).isEmpty();
            assertThat(second.received.errors).isEmpty();
            return new Shares(first.received.bytes - firstBefore, second.received.bytes - secondBefore);
        }

        long total() {
            return first + second;
        }

        /** The smaller share over the larger. */
        double ratio() {
            return (double) Math.min(first, second) / Math.max(first, second);
        }
    }
}

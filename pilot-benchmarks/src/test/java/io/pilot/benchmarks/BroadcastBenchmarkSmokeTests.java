package io.pilot.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Locale;

import org.junit.jupiter.api.Test;

/** Section 10 for a fraction of a second ({@link RunProfile#smoke()}: 8 members): the wiring, not the figures. */
class BroadcastBenchmarkSmokeTests {

    @Test
    void everyMemberGetsEachRoundsCopyOnceAndTheReportRendersIt() throws InterruptedException {
        Report report = BenchmarkRunner.run(RunProfile.smoke(), EnumSet.of(BenchmarkRunner.Section.BROADCAST),
                "smoke test");

        BroadcastBenchmark.Result broadcast = report.broadcast();
        assertThat(broadcast.members()).isEqualTo(BroadcastBenchmark.members(RunProfile.smoke()));
        assertThat(broadcast.failed()).isZero();
        // Every member got each round's copy exactly once: the cold round and every warm one, both ways of handling.
        assertThat(broadcast.copies()).isEqualTo((long) (2 * broadcast.rounds() + 1) * broadcast.members());
        assertThat(broadcast.cold().lastDeliveryNanos()).isPositive();
        assertThat(broadcast.coldHandshakes()).isGreaterThanOrEqualTo(broadcast.members());
        assertThat(broadcast.lastDeliveryNanos().count()).isEqualTo(broadcast.rounds());
        assertThat(broadcast.lastDeliveryNanos().min()).isPositive();
        assertThat(broadcast.onLoop()).hasSize(broadcast.rounds())
                .allSatisfy(round -> assertThat(round.lastDeliveryNanos()).isPositive());
        assertThat(broadcast.unicastRttNanos().min()).isPositive();
        // The raw UDP floor, one reader thread per socket and then shared readers: every round reached every socket.
        assertThat(broadcast.floors()).extracting(BroadcastBenchmark.Floor::readerThreads)
                .containsExactly(0, BroadcastBenchmark.FLOOR_SHARED_READERS);
        assertThat(broadcast.floors()).allSatisfy(floor -> {
            assertThat(floor.lastNanos().count()).isEqualTo(broadcast.rounds());
            assertThat(floor.lastNanos().min()).isPositive();
        });
        assertThat(broadcast.rawUdpRttNanos().min()).isPositive();
        // Linux says how long the event loops ran in each round (the sender's loop at least ran to send).
        assertThat(broadcast.loopsRunNanos().min()).isPositive();
        assertThat(broadcast.loopsWaitNanos().min()).isNotNegative();
        assertThat(broadcast.restMillis()).isPositive();
        assertThat(broadcast.restingLoopCores()).as("the loops' share of the process at rest")
                .isNotNegative().isLessThanOrEqualTo(broadcast.restingCores() + 0.05);
        assertThat(new MarkdownReport(report).render()).contains("## 10. Broadcast to a group")
                .contains("floor: raw UDP fan-out, one reader thread per socket")
                .contains(String.format(Locale.ROOT, "%,d for %,d expected", broadcast.copies(), broadcast.copies()));
    }
}

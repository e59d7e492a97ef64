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
        // Every member got each round's copy exactly once: the cold round and every warm one.
        assertThat(broadcast.copies()).isEqualTo((long) (broadcast.rounds() + 1) * broadcast.members());
        assertThat(broadcast.cold().lastDeliveryNanos()).isPositive();
        assertThat(broadcast.coldHandshakes()).isGreaterThanOrEqualTo(broadcast.members());
        assertThat(broadcast.lastDeliveryNanos().count()).isEqualTo(broadcast.rounds());
        assertThat(broadcast.lastDeliveryNanos().min()).isPositive();
        assertThat(broadcast.unicastRttNanos().min()).isPositive();
        assertThat(new MarkdownReport(report).render()).contains("## 10. Broadcast to a group")
                .contains(String.format(Locale.ROOT, "%,d for %,d expected", broadcast.copies(), broadcast.copies()));
    }
}

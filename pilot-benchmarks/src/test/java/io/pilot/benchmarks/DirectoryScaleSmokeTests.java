package io.pilot.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.EnumSet;

import org.junit.jupiter.api.Test;

/**
 * Section 9 at a few hundred agents ({@link RunProfile#smoke()}): a real etcd starts, three backbones share it,
 * every backbone holds every agent, a watcher on backbone 2 hears registrations through backbone 1, etcd's
 * counters are read, lookups over real sessions are answered, and the section renders. Proves the wiring, says
 * nothing about speed.
 */
class DirectoryScaleSmokeTests {

    @Test
    void threeBackbonesOnEtcdHoldEveryAgentAndTheSectionRenders() throws InterruptedException {
        assumeTrue(DirectoryScaleBenchmark.available(), "etcd is not installed, so section 9's smoke test is skipped: "
                + "apt-get install etcd-server (.ci/run installs it)");

        Report report = BenchmarkRunner.run(RunProfile.smoke(), EnumSet.of(BenchmarkRunner.Section.DIRECTORY_SCALE),
                "smoke test");

        DirectoryScaleBenchmark.Result r = report.directoryScale();
        DirectoryScaleBenchmark.Settings settings = DirectoryScaleBenchmark.Settings.of(RunProfile.smoke());
        assertThat(r.registering().failures()).as(r.registering().firstFailure()).isZero();
        assertThat(r.registering().perSecond()).isPositive();
        // One etcd transaction per registration at least (the hostname claim and the record in one).
        assertThat(r.registering().etcdTxns()).isGreaterThanOrEqualTo(settings.agents());
        assertThat(r.expectedHeld()).isEqualTo(settings.agents() + 1);
        assertThat(r.heldMin()).isEqualTo(r.expectedHeld());
        assertThat(r.lapsed()).isZero();
        assertThat(r.fanoutLost()).isZero();
        assertThat(r.fanoutNanos().count()).isEqualTo(settings.fanoutSamples());
        assertThat(r.fanoutNanos().min()).isPositive();
        assertThat(r.registerReplyNanos().min()).isPositive();
        assertThat(r.writes()).hasSize(2);
        assertThat(r.writes().get(1).heartbeatsPerSecond()).isGreaterThan(r.writes().get(0).heartbeatsPerSecond());
        // No heartbeat is written to etcd: while nothing registers, no transaction either.
        r.writes().forEach(window -> assertThat(window.txnsPerSecond()).isZero());
        assertThat(r.lookups()).extracting(DirectoryScaleBenchmark.LookupRow::backbones).containsExactly(1, 2, 3);
        r.lookups().forEach(row -> {
            assertThat(row.totalPerSecond().min()).isPositive();
            assertThat(row.perBackbone()).hasSize(row.backbones());
            assertThat(Arrays.stream(row.perBackbone()).min().orElseThrow()).isPositive();
        });
        assertThat(r.lookupFailures()).isZero();
        assertThat(r.bytesPerRecordPerBackbone()).isPositive();

        String markdown = new MarkdownReport(report).render();
        assertThat(markdown).contains("## 9. One realm on etcd: 3 backbones holding 300 agents")
                .contains("registration through backbone 1 → event at the watcher on backbone 2");
    }
}

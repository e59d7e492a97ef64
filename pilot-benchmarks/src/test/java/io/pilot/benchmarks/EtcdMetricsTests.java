package io.pilot.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Reading etcd's Prometheus text: unlabelled counters kept, the rest skipped; rates between two scrapes. */
class EtcdMetricsTests {

    private static final String TEXT = String.join("\n",
            "# HELP etcd_mvcc_txn_total Total number of txns seen by this member.",
            "# TYPE etcd_mvcc_txn_total counter",
            "etcd_mvcc_txn_total 35001",
            "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.001\"} 10",
            "etcd_disk_wal_fsync_duration_seconds_sum 55.28972622900008",
            "etcd_disk_wal_fsync_duration_seconds_count 8215",
            "go_memstats_heap_released_bytes 1.2288e+06",
            "not_a_number NaNish",
            "");

    @Test
    void keepsUnlabelledSamplesAndSkipsCommentsLabelsAndGarbage() {
        Map<String, Double> counters = EtcdMetrics.parse(TEXT);

        assertThat(counters).containsEntry(EtcdMetrics.TXNS, 35001.0)
                .containsEntry(EtcdMetrics.WAL_FSYNCS, 8215.0)
                .containsEntry("go_memstats_heap_released_bytes", 1_228_800.0)
                .doesNotContainKey("etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.001\"}")
                .doesNotContainKey("not_a_number")
                .hasSize(4);
    }

    @Test
    void ratesAndMeanFsyncBetweenTwoScrapes() {
        EtcdMetrics.Scrape before = new EtcdMetrics.Scrape(Map.of(EtcdMetrics.TXNS, 100.0, EtcdMetrics.WAL_FSYNCS, 10.0,
                EtcdMetrics.WAL_FSYNC_SECONDS, 0.5), 0);
        EtcdMetrics.Scrape after = new EtcdMetrics.Scrape(Map.of(EtcdMetrics.TXNS, 300.0, EtcdMetrics.WAL_FSYNCS, 30.0,
                EtcdMetrics.WAL_FSYNC_SECONDS, 0.6), 2_000_000_000L);

        assertThat(after.perSecondSince(before, EtcdMetrics.TXNS)).isEqualTo(100.0);
        assertThat(after.since(before, EtcdMetrics.TXNS)).isEqualTo(200.0);
        assertThat(after.meanFsyncSecondsSince(before)).isCloseTo(0.005, offset(1e-12));
        assertThat(before.meanFsyncSecondsSince(before)).isZero();
        assertThatThrownBy(() -> after.get(EtcdMetrics.PUTS)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(EtcdMetrics.PUTS);
    }
}

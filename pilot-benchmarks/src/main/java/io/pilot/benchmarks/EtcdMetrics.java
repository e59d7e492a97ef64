package io.pilot.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * etcd's own counters, read from its Prometheus endpoint rather than from what the backbones believe they wrote.
 * Only unlabelled counters are kept (the ones below have no labels).
 */
final class EtcdMetrics {

    /** Raft proposals committed: every write that went through consensus (puts, txns, deletes, lease grants). */
    static final String PROPOSALS = "etcd_server_proposals_committed_total";
    /** Transactions applied by the key-value store. */
    static final String TXNS = "etcd_mvcc_txn_total";
    /** Single puts applied (puts inside a transaction are counted under {@link #TXNS}). */
    static final String PUTS = "etcd_mvcc_put_total";
    /** Single deletes applied. */
    static final String DELETES = "etcd_mvcc_delete_total";
    /** Lease keep-alives answered: renewals are not raft proposals in etcd 3.4, the leader answers them. */
    static final String LEASE_RENEWALS = "etcd_debugging_lease_renewed_total";
    /** Write-ahead log fsyncs. */
    static final String WAL_FSYNCS = "etcd_disk_wal_fsync_duration_seconds_count";
    /** Time spent in write-ahead log fsyncs, seconds. */
    static final String WAL_FSYNC_SECONDS = "etcd_disk_wal_fsync_duration_seconds_sum";

    /** A scrape: counter values and when they were read. */
    record Scrape(Map<String, Double> counters, long nanos) {

        double get(String name) {
            Double value = counters.get(name);
            if (value == null) {
                throw new IllegalStateException("etcd's metrics have no " + name);
            }
            return value;
        }

        /** How much {@code name} grew per second from {@code earlier} to this scrape. */
        double perSecondSince(Scrape earlier, String name) {
            return (get(name) - earlier.get(name)) / ((nanos - earlier.nanos) / 1e9);
        }

        double since(Scrape earlier, String name) {
            return get(name) - earlier.get(name);
        }

        /** Mean duration of the WAL fsyncs from {@code earlier} to this scrape, in seconds (0 if there was none). */
        double meanFsyncSecondsSince(Scrape earlier) {
            double fsyncs = since(earlier, WAL_FSYNCS);
            return fsyncs == 0 ? 0 : since(earlier, WAL_FSYNC_SECONDS) / fsyncs;
        }
    }

    private final URI endpoint;

    EtcdMetrics(URI endpoint) {
        this.endpoint = endpoint;
    }

    Scrape scrape() {
        long nanos = System.nanoTime();
        try {
            URLConnection connection = endpoint.toURL().openConnection();
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(5_000);
            try (InputStream in = connection.getInputStream()) {
                return new Scrape(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)), nanos);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read etcd's metrics at " + endpoint, e);
        }
    }

    /** Unlabelled samples of the Prometheus text format: {@code name value}. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> counters = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#") || line.indexOf('{') >= 0) {
                continue;
            }
            int space = line.indexOf(' ');
            if (space > 0) {
                try {
                    counters.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1).trim()));
                } catch (NumberFormatException notACounter) {
                    // a value this reader does not need
                }
            }
        }
        return counters;
    }
}

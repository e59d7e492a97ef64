package io.pilot.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Section 9 of the report: one realm of several backbones on etcd, holding many agents. */
final class DirectoryScaleReport {

    /** The target for registration-to-event at a watcher on another backbone, p99. */
    static final double FANOUT_TARGET_MILLIS = 50;

    private final DirectoryScaleBenchmark.Result r;
    private final Report report;
    private final StringBuilder md = new StringBuilder();

    DirectoryScaleReport(DirectoryScaleBenchmark.Result result, Report report) {
        this.r = result;
        this.report = report;
    }

    String render() {
        DirectoryScaleBenchmark.Settings s = r.settings();
        DirectoryScaleBenchmark.Registering reg = r.registering();
        line(String.format(Locale.ROOT, "## 9. One realm on etcd: %d backbones holding %,d agents", s.backbones(),
                s.agents()));
        line("");
        line(String.format(Locale.ROOT, "Measured by `%s` (profile %s, section %d s) on %s, load average %.2f before "
                + "the run; %s, one member, a child process on loopback with its data in a temporary folder on this "
                + "machine's disk, sharing the %d cores with everything else.", report.command(),
                report.profile().name(), r.seconds(), report.environment().date(), report.environment().loadAverage(),
                r.etcdVersion(), report.environment().cores()));
        line("");
        line(String.format(Locale.ROOT, "**What is real, what is simulated.** Real: etcd; %d backbones, each a node "
                + "on loopback with its own `EtcdDirectoryStore` (own etcd client and lease, own replica fed by "
                + "etcd's watch), sharing one identity, with the lease %d s; a watcher (a `DirectoryClient` on its own "
                + "node, registered over a Noise session with backbone 2); %d lookup nodes per backbone with a session "
                + "to that backbone, sending lookups over UDP. Simulated: the %,d agents are identities, not nodes. A "
                + "backbone binds a registration to the key of the session it arrives on, so N records need N "
                + "sessions, and one JVM on %d cores cannot run that many nodes. Each agent's own signed record (one "
                + "hostname, one capability, one group, one endpoint) is registered by handing its register request "
                + "to the directory handler of one backbone (round-robin) in-process, as a backbone's node hands over "
                + "a request decrypted from a session, from the agent's key: signature check, key binding, rate "
                + "limit, the etcd transaction and the wait for etcd's feed all run; the agent's handshake, "
                + "encryption and datagrams do not. Its heartbeats (every %d s, a third of the lease, as "
                + "`DirectoryClient` sends them) go the same way to the backbone it registered through, which keeps "
                + "its lease.", s.backbones(), s.leaseTtl().toSeconds(),
                DirectoryScaleBenchmark.CLIENTS_PER_BACKBONE, s.agents(), report.environment().cores(),
                s.leaseTtl().toSeconds() / 3));
        line("");
        holding(s, reg);
        fanout();
        writes();
        lookups();
        return md.toString();
    }

    private void holding(DirectoryScaleBenchmark.Settings s, DirectoryScaleBenchmark.Registering reg) {
        line("### Holding");
        line("");
        line("| figure | value |");
        line("|---|---|");
        line(String.format(Locale.ROOT, "| records held by each backbone, fewest seen (sampled every 100 ms from the "
                + "end of the registrations to the end of the section) | %,d of %,d |", r.heldMin(), r.expectedHeld()));
        line(String.format(Locale.ROOT, "| heartbeats refused `NOT_REGISTERED` while holding (a lease had lapsed) | "
                + "%,d |", r.lapsed()));
        line(String.format(Locale.ROOT, "| heartbeats refused `NOT_REGISTERED` during the registrations | %,d |",
                r.refusedWhileRegistering()));
        line(String.format(Locale.ROOT, "| registrations/s, all backbones: until every backbone held every record "
                + "(until the last one was acknowledged) | %,.0f (%,.0f) |", reg.perSecond(),
                reg.agents() / reg.acknowledgedSeconds()));
        line(String.format(Locale.ROOT, "| registrations/s per backbone (each took 1/%d of them) | %,.0f |",
                s.backbones(), r.registrationsPerSecondPerBackbone()));
        line(String.format(Locale.ROOT, "| registrations in flight | %d |", s.registrationThreads()));
        line(String.format(Locale.ROOT, "| registrations refused or failed | %,d%s |", reg.failures(),
                reg.firstFailure() == null ? "" : " (first: " + reg.firstFailure() + ")"));
        line(String.format(Locale.ROOT, "| etcd raft proposals / transactions per registration (etcd's counters) | "
                + "%.2f / %.2f |", reg.etcdProposals() / reg.agents(), reg.etcdTxns() / reg.agents()));
        line(String.format(Locale.ROOT, "| etcd WAL fsyncs while registering: registrations per fsync, mean fsync | "
                + "%.1f, %.1f ms |", reg.agents() / Math.max(1, reg.etcdFsyncs()), reg.etcdFsyncMillis()));
        line(String.format(Locale.ROOT, "| CPU while registering: this JVM (backbones, signing, heartbeats) / etcd | "
                + "%.2f / %.2f cores |", reg.jvmCores(), reg.etcdCores()));
        line(String.format(Locale.ROOT, "| heap per record per backbone (every backbone holds every record) | "
                + "%,.0f bytes |", r.bytesPerRecordPerBackbone()));
        line("");
        line(String.format(Locale.ROOT, "Registrations/s is limited by this machine: etcd, %d backbones, their "
                + "feeds (each backbone verifies every record it receives) and the signing of the records share %d "
                + "cores with each other and with the rest of the machine (load average %.2f before the run), and "
                + "every registration waits for an etcd WAL fsync on this disk (etcd batches the writes in flight into "
                + "one). Heap per record: the JVM's heap in use after "
                + "full collections, with every backbone's replica full, minus the same with the backbones up and "
                + "empty, divided by records times backbones (it includes each backbone's indexes, the etcd client's "
                + "share and the records' hostname bindings; the agents' heartbeat requests were built before the "
                + "first measurement).", s.backbones(), report.environment().cores(),
                report.environment().loadAverage()));
        if (r.refusedWhileRegistering() > 0) {
            line("");
            line("A heartbeat was refused during the registrations although its registration had been acknowledged: "
                    + "a registration answers only once its whole etcd transaction (the hostname binding and the record, "
                    + "one revision) came back through the backbone's feed (`DirectoryChange.Settled`), so this should "
                    + "not happen; the refusals are counted here to show it.");
        }
        line("");
    }

    private void fanout() {
        Samples f = r.fanoutNanos();
        Samples reply = r.registerReplyNanos();
        line("### Watch fan-out across backbones");
        line("");
        line(String.format(Locale.ROOT, "%,d registrations, one at a time, handed to backbone 1; the clock runs until "
                + "the `joined` event reaches the listener of the watcher attached to backbone 2 (etcd transaction, "
                + "etcd's watch feed to backbone 2, the WATCH event over its session, the client's signature check, "
                + "the hand-off to the listener's thread), while the other agents heartbeat.", f.count()));
        line("");
        line("| | p50 | p90 | p99 | max |");
        line("|---|---|---|---|---|");
        line(String.format(Locale.ROOT, "| registration through backbone 1 → event at the watcher on backbone 2 | %s "
                + "| %s | %s | %s |", ms(f.median()), ms(f.percentile(90)), ms(f.percentile(99)), ms(f.max())));
        line(String.format(Locale.ROOT, "| registration through backbone 1 → its reply (written to etcd, backbone 1's "
                + "replica caught up) | %s | %s | %s | %s |", ms(reply.median()), ms(reply.percentile(90)),
                ms(reply.percentile(99)), ms(reply.max())));
        line("");
        double p99 = f.percentile(99) / 1e6;
        line(String.format(Locale.ROOT, "Target p99 ≤ %.0f ms: %s (%.1f ms). Events lost (none within 10 s): %d. "
                + "Every registration waits for etcd to fsync its write-ahead log: those fsyncs took %.1f ms on "
                + "average during these registrations (etcd's own histogram), which bounds the median from below on "
                + "this disk; the tail is where the JVM and etcd waited for the cores (load average %.2f before the "
                + "run, %.2f after it).", FANOUT_TARGET_MILLIS, p99 <= FANOUT_TARGET_MILLIS ? "met" : "missed", p99,
                r.fanoutLost(), r.fanoutFsyncMillis(), report.environment().loadAverage(), report.loadAverageAtEnd()));
        line("");
    }

    private void writes() {
        List<DirectoryScaleBenchmark.WriteWindow> w = r.writes();
        line("### etcd writes while holding");
        line("");
        line(String.format(Locale.ROOT, "Two windows of %d s each with nothing registering: heartbeats first at the "
                + "client's pace (a third of the lease), then %d times as often. Rates from etcd's own counters "
                + "(`/metrics` on its client port), read before and after each window.",
                r.settings().writeWindow().toSeconds(), DirectoryScaleBenchmark.FAST_HEARTBEAT_FACTOR));
        line("");
        line("| heartbeats/s | raft proposals/s | txns/s | puts/s | deletes/s | lease keep-alives/s | WAL fsyncs/s |");
        line("|---|---|---|---|---|---|---|");
        for (DirectoryScaleBenchmark.WriteWindow window : w) {
            line(String.format(Locale.ROOT, "| %,.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |",
                    window.heartbeatsPerSecond(), window.proposalsPerSecond(), window.txnsPerSecond(),
                    window.putsPerSecond(), window.deletesPerSecond(), window.leaseRenewalsPerSecond(),
                    window.fsyncsPerSecond()));
        }
        line("");
        double expected = r.settings().backbones() / (r.settings().leaseTtl().toSeconds() / 3.0);
        double counted = r.leaseRenewals() / r.seconds();
        line(String.format(Locale.ROOT, "Heartbeats are kept in the memory of the backbone an agent is attached to and "
                + "never written to etcd; what etcd sees while nothing registers is each backbone's keep-alive of its "
                + "one lease, every lease/3 whatever the number of agents, which in etcd 3.4 the leader answers "
                + "without a raft proposal (%d backbones: %.1f a second at one renewal per keep-alive; etcd counted "
                + "%.0f renewals in the section's %d s, %.2f a second%s). Per agent: one transaction per "
                + "registration or change, one delete when it leaves, none per heartbeat.", r.settings().backbones(),
                expected, r.leaseRenewals(), r.seconds(), counted, counted > 1.5 * expected
                        ? String.format(Locale.ROOT, ": about %.0f per keep-alive: etcd counts each `keepAliveOnce` of "
                                + "jetcd 0.8.5 twice (checked apart: 3 calls, 6 renewals)", counted / expected)
                        : ""));
        line("");
    }

    private void lookups() {
        line("### Lookups by hostname over real sessions");
        line("");
        line(String.format(Locale.ROOT, "%d client nodes per loaded backbone, %d lookups in flight each, each a random "
                + "one of the %,d agents' hostnames, reply checked to hold one record (not its signature); "
                + "%d windows of %s per row after one discarded, heartbeats going on.",
                DirectoryScaleBenchmark.CLIENTS_PER_BACKBONE, DirectoryScaleBenchmark.DEPTH, r.settings().agents(),
                r.settings().lookupIterations(), seconds(r.settings().lookupWindow().toMillis())));
        line("");
        line("| backbones loaded | lookups/s in total (median) | min - max | per backbone | JVM cores | etcd cores |");
        line("|---|---|---|---|---|---|");
        for (DirectoryScaleBenchmark.LookupRow row : r.lookups()) {
            line(String.format(Locale.ROOT, "| %d | %,.0f | %,.0f - %,.0f | %s | %.2f | %.2f |", row.backbones(),
                    row.totalPerSecond().median(), row.totalPerSecond().min(), row.totalPerSecond().max(),
                    Arrays.stream(row.perBackbone()).mapToObj(v -> String.format(Locale.ROOT, "%,.0f", v))
                            .collect(Collectors.joining(" / ")), row.jvmCores(), row.etcdCores()));
        }
        line("");
        double one = r.lookups().get(0).totalPerSecond().median();
        String ratios = r.lookups().stream().skip(1).map(row -> String.format(Locale.ROOT, "%.2fx with %d",
                row.totalPerSecond().median() / one, row.backbones())).collect(Collectors.joining(", "));
        double etcdCores = r.lookups().stream().mapToDouble(DirectoryScaleBenchmark.LookupRow::etcdCores).max()
                .orElse(0);
        line(String.format(Locale.ROOT, "Total against one backbone: %s. A lookup is answered from the replica in the "
                + "backbone's memory and never reaches etcd (etcd used at most %.2f cores during these windows), so "
                + "nothing shared stands between backbones and lookups; what the total can reach here is bounded by "
                + "the %d cores that every backbone, every client node and the heartbeats share with each other and "
                + "with the rest of the machine (load average %.2f before the run): the JVM column is how much of them "
                + "this JVM got. On separate machines each backbone would bring its own cores. Failed lookups: %d.",
                ratios.isEmpty() ? "-" : ratios, etcdCores, report.environment().cores(),
                report.environment().loadAverage(), r.lookupFailures()));
        line("");
    }

    private static String ms(double nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private void line(String text) {
        md.append(text).append('\n');
    }
}

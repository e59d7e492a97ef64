package io.pilot.benchmarks;

import java.util.Locale;

/** Section 5's last part: one backbone holding real sessions opened by load-generator processes. */
final class SessionsReport {

    /** The target: sessions one backbone holds, with their state, timers and keepalives. */
    static final int TARGET = 100_000;

    private final BackboneSessionsBenchmark.Result r;
    private final Report report;
    private final StringBuilder md = new StringBuilder();

    SessionsReport(BackboneSessionsBenchmark.Result result, Report report) {
        this.r = result;
        this.report = report;
    }

    String render() {
        BackboneSessionsBenchmark.Settings s = r.settings();
        BackboneSessionsBenchmark.Rest rest = r.atLease();
        BackboneSessionsBenchmark.Rest atDefault = r.atDefaultRate();
        line("### Real sessions held by one backbone");
        line("");
        line(String.format(Locale.ROOT, "One backbone (as above, lease %d s%s) and %d load-generator processes "
                + "(`SessionLoadGenerator`, at nice %d: they stand in for other machines), each one thread holding its share of %,d sessions, every session on its own "
                + "UDP port (each generator on its own loopback address, 127.0.0.20 up, so that no address runs out of "
                + "ports, with a descriptor limit of 20,000): a real Noise XX handshake with an "
                + "identity proof, a REGISTER of a signed record (one hostname, one capability, the group `bench`) over "
                + "the transport, then a HEARTBEAT every %d s (a third of the lease, as `DirectoryClient` does); the "
                + "backbone keeps keys for %d minutes here, and waits a minute (not 5 s) before it "
                + "re-handshakes a peer it heard nothing from, since a `LightSession` answers no handshake. The sessions are `LightSession`s: the protocol's own "
                + "parts (handshake state, packet cipher, transport connection, message frames) without a node's event "
                + "loop and threads, so a generator holds thousands. They recover as a node's `DirectoryClient` does: a "
                + "closed connection is replaced by a new handshake at the session's next heartbeat, then that heartbeat, a lapsed lease by a new registration "
                + "(both counted below). Opened at up to %,.0f a second in all, 32 in flight per generator. The backbone lives in the bench JVM's heap of %,d MiB, collected by %s. "
                + "Measured by `%s`, load average %.2f before the run.", s.lease().toSeconds(),
                s.holdsAtDefaultRate() ? String.format(Locale.ROOT, ", not the default %d s: at the default's heartbeat every %d s "
                        + "these sessions would send %,.0f heartbeats a second, whose cost the second column below measures",
                        BackboneSessionsBenchmark.DEFAULT_LEASE.toSeconds(), BackboneSessionsBenchmark.DEFAULT_LEASE.toSeconds() / 3,
                        s.heartbeatsPerSecond(s.sessions(), BackboneSessionsBenchmark.DEFAULT_LEASE.dividedBy(3))) : "",
                s.generators(), BackboneSessionsBenchmark.GENERATOR_NICE, s.sessions(), s.heartbeat().toSeconds(), BackboneSessionsBenchmark.REKEY.toMinutes() + 5, s.rate(),
                r.maxHeapBytes() / 1048576, collectors(), report.command(), report.environment().loadAverage()));
        line("");
        line("| | |");
        line("|---|---:|");
        line(String.format(Locale.ROOT, "| Sessions opened by the generators | %,d of %,d |", r.opened(), s.sessions()));
        line(String.format(Locale.ROOT, "| **Sessions held by the backbone** (its node's session count, after the first hold) | **%,d** (target %,d) |",
                r.heldSessions(), TARGET));
        line(String.format(Locale.ROOT, "| Records registered on it | %,d |", r.registrations()));
        line(String.format(Locale.ROOT, "| Time to open them | %.0f s, %,.0f sessions/s (%s); the backbone's loop and pool meanwhile %.2f cores |",
                r.rampSeconds(), r.rampSeconds() == 0 ? 0 : r.opened() / r.rampSeconds(), r.stoppedBy(), r.rampCores()));
        line(String.format(Locale.ROOT, "| Generators' CPU over the whole run (handshakes, identities and signed records made, both holds) | %.0f s |",
                r.generators().stream().mapToDouble(BackboneSessionsBenchmark.Generator::cpuSeconds).sum()));
        line(String.format(Locale.ROOT, "| Backbone heap per session (session, connection, keys, record; after a full GC) | %,.0f bytes (%,.0f MiB in all, of a %,d MiB heap) |",
                r.heapPerSession(), r.heapBytes() / 1048576.0, r.maxHeapBytes() / 1048576));
        line(String.format(Locale.ROOT, "| Sessions failed / rekeys done / refusals by the backbone | %,d / %,d / %s |",
                r.failed(), r.rekeys(), r.refusals().isEmpty() ? "none" : r.refusals().toString()));
        line(String.format(Locale.ROOT, "| Recovered as a node would: registered again after a lapsed lease / new handshake after a closed connection or an unconfirmed one | %,d / %,d |",
                r.reregistrations(), r.reconnects()));
        line(String.format(Locale.ROOT, "| INITs the backbone's handshake guard sent back for a cookie (COOKIE_REPLYs the generators answered) | %,d |",
                r.cookies()));
        line(String.format(Locale.ROOT, "| Connections the generators saw closed, by whom and why (transport error: 4 idle timeout, 6 unresponsive) | %s |",
                r.closes().isEmpty() ? "none" : r.closes().toString()));
        line("");
        line("At rest, " + String.format(Locale.ROOT, atDefault == null ? "one hold of %d s" : "two holds of the same sessions, %d s each",
                s.hold().toSeconds())
                + (atDefault == null ? "" : ": first at the run's lease, then heartbeating as often as the default lease asks "
                + "(each session took the new interval at its next beat; the hold began one old and one new interval later)") + ".");
        line("");
        line(atDefault == null ? "| | at the run's lease |" : "| | at the run's lease | at the default lease's heartbeat rate |");
        line(atDefault == null ? "|---|---:|" : "|---|---:|---:|");
        row("Heartbeat every", rest, atDefault, x -> String.format(Locale.ROOT, "%d s", x.heartbeat().toSeconds()));
        row("Heartbeats answered a second (expected)", rest, atDefault, x -> String.format(Locale.ROOT, "%,.0f (%,.0f)",
                x.heartbeatsPerSecond(), s.heartbeatsPerSecond(r.heldSessions(), x.heartbeat())));
        row("Datagrams a second, both ways (heartbeats, replies, acknowledgements, keepalives)", rest, atDefault,
                x -> String.format(Locale.ROOT, "%,.0f", x.datagramsPerSecond()));
        row("**Backbone CPU at rest**: event loop and handler pool / the whole JVM (GC, JIT included)", rest, atDefault,
                x -> String.format(Locale.ROOT, "**%.2f** / %.2f cores", x.backboneCores(), x.jvmCores()));
        row("Backbone CPU per 1,000 sessions held: loop and pool / the whole JVM", rest, atDefault,
                x -> String.format(Locale.ROOT, "%.4f / %.4f cores", perThousand(x.backboneCores()), perThousand(x.jvmCores())));
        row("Backbone CPU per heartbeat, idle upkeep and keepalives included", rest, atDefault,
                x -> String.format(Locale.ROOT, "%.0f µs", x.backboneMicrosPerHeartbeat()));
        row("Generators' CPU at rest, all processes / per 1,000 sessions", rest, atDefault,
                x -> String.format(Locale.ROOT, "%.2f / %.4f cores", x.generatorCores(), perThousand(x.generatorCores())));
        line("");
        return md.toString();
    }

    private double perThousand(double cores) {
        return r.heldSessions() <= 0 ? 0 : cores / r.heldSessions() * 1000;
    }

    private void row(String name, BackboneSessionsBenchmark.Rest first, BackboneSessionsBenchmark.Rest second,
            java.util.function.Function<BackboneSessionsBenchmark.Rest, String> cell) {
        line("| " + name + " | " + cell.apply(first) + (second == null ? "" : " | " + cell.apply(second)) + " |");
    }

    private void line(String text) {
        md.append(text).append('\n');
    }

    /** The bench JVM's collectors, as the JVM names them ("G1 Young Generation, G1 Old Generation", "ZGC Cycles..."). */
    private static String collectors() {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(java.lang.management.GarbageCollectorMXBean::getName).collect(java.util.stream.Collectors.joining(", "));
    }
}

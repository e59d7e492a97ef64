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
        line("### Real sessions held by one backbone");
        line("");
        line(String.format(Locale.ROOT, "One backbone (as above, lease %d s) and %d load-generator processes "
                + "(`SessionLoadGenerator`), each one thread holding its share of %,d sessions, every session on its own "
                + "UDP port (each generator on its own loopback address, 127.0.0.20 up): a real Noise XX handshake with an "
                + "identity proof, a REGISTER of a signed record (one hostname, one capability, the group `bench`) over "
                + "the transport, then a HEARTBEAT every %d s (a third of the lease, as `DirectoryClient` does); the "
                + "backbone keeps keys for %d minutes here, so no rekey falls in a run, and waits a minute (not 5 s) before it "
                + "re-handshakes a peer it heard nothing from, since a `LightSession` answers no handshake. The sessions are `LightSession`s: the protocol's own "
                + "parts (handshake state, packet cipher, transport connection, message frames) without a node's event "
                + "loop and threads, so a generator holds thousands. They recover as a node's `DirectoryClient` does: a "
                + "closed connection is replaced by a new handshake and a heartbeat, a lapsed lease by a new registration "
                + "(both counted below). Opened at %,.0f a second in all. Measured by "
                + "`%s`, load average %.2f before the run.", s.lease().toSeconds(), s.generators(), s.sessions(),
                s.lease().toSeconds() / 3, BackboneSessionsBenchmark.REKEY.toMinutes() + 5, s.rate(), report.command(), report.environment().loadAverage()));
        line("");
        line("| | |");
        line("|---|---:|");
        line(String.format(Locale.ROOT, "| Sessions opened by the generators | %,d of %,d |", r.opened(), s.sessions()));
        line(String.format(Locale.ROOT, "| **Sessions held by the backbone** (its node's session count, end of the hold) | **%,d** (target %,d) |",
                r.heldSessions(), TARGET));
        line(String.format(Locale.ROOT, "| Records registered on it | %,d |", r.registrations()));
        line(String.format(Locale.ROOT, "| Time to open them | %.0f s (%s) |", r.rampSeconds(), r.stoppedBy()));
        line(String.format(Locale.ROOT, "| Generators' CPU over the whole run (handshakes, identities and signed records made) | %.0f s |",
                r.generators().stream().mapToDouble(BackboneSessionsBenchmark.Generator::cpuSeconds).sum()));
        line(String.format(Locale.ROOT, "| Backbone heap per session (session, connection, keys, record; after a full GC) | %,.0f bytes (%,.0f MiB in all) |",
                r.heapPerSession(), r.heapBytes() / 1048576.0));
        line(String.format(Locale.ROOT, "| Heartbeats answered, per second, over a %d s hold (expected at this lease: %,.0f) | %,.0f |",
                s.hold().toSeconds(), s.heartbeatsPerSecond(r.heldSessions()), r.heartbeatsPerSecond()));
        line(String.format(Locale.ROOT, "| Backbone CPU at rest: event loop and handler pool / the whole JVM (GC, JIT included) | %.2f / %.2f cores |",
                r.backboneCores(), r.jvmCores()));
        line(String.format(Locale.ROOT, "| Backbone CPU per heartbeat, idle upkeep included | %.0f µs |",
                r.heartbeatsPerSecond() == 0 ? 0 : r.backboneCores() / r.heartbeatsPerSecond() * 1e6));
        line(String.format(Locale.ROOT, "| Generators' CPU at rest, all processes | %.2f cores |", r.generatorCores()));
        line(String.format(Locale.ROOT, "| Sessions failed / rekeys done / refusals by the backbone | %,d / %,d / %s |",
                r.failed(), r.rekeys(), r.refusals().isEmpty() ? "none" : r.refusals().toString()));
        line(String.format(Locale.ROOT, "| Recovered as a node would: registered again after a lapsed lease / new handshake after a closed connection or an unconfirmed one | %,d / %,d |",
                r.reregistrations(), r.reconnects()));
        line("");
        return md.toString();
    }

    private void line(String text) {
        md.append(text).append('\n');
    }
}

package io.pilot.benchmarks;

import static io.pilot.benchmarks.MarkdownReport.micros;

import io.pilot.engine.PilotNode;

import java.util.Locale;

/**
 * Section 7 of {@code docs/benchmarks.md}: the call benchmark's tables, the targets stated from the
 * figures, and what limits each figure. Section 1's raw UDP echo, when it ran in the same report, is the floor the
 * call is compared with.
 */
final class CallsReport {

    /** Backbone-down p50 within this factor of backbone-up p50 counts as "equal within noise". */
    private static final double NOISE = 1.2;

    /** The cores the calls-per-second rows share: every process of the section runs on this machine. */
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final CallBenchmark.Result r;
    private final RunProfile profile;
    private final PingLatencyBenchmark.Result ping;
    private final StringBuilder md = new StringBuilder();

    CallsReport(CallBenchmark.Result result, RunProfile profile, PingLatencyBenchmark.Result ping) {
        this.r = result;
        this.profile = profile;
        this.ping = ping;
    }

    String render() {
        md.setLength(0);
        line("## 7. Capability calls between two Spring Boot apps: Pilot vs HTTP/JSON vs NATS request-reply");
        line("");
        line(String.format(Locale.ROOT, "Two processes of the bench app (`pilot-benchmarks-boot`, Spring Boot with the "
                + "Pilot starter, started as `java -jar` with a fixed 512 MiB heap): a *provider* answering one echo "
                + "four ways (a `@PilotAgent` `@Capability` on the handler executor, as by default, and the same method "
                + "again as `@Capability(eventLoop = true)`, a `@RestController` `POST /echo`, a jnats responder on a "
                + "subject) and a *caller* calling it those ways: `pilotClient.call(\"bench.echo\", arg, EchoReply.class)` "
                + "(and `bench.echo-on-loop`), `RestClient` over HTTP/1.1 keep-alive (JDK `HttpClient`) to the provider's Tomcat, and jnats "
                + "`request()` through a `nats-server` started for the run on a free loopback port. The argument is "
                + "a %d-character JSON object, the reply a two-field record, JSON both ways for all. The "
                + "backbone is the engine's `Backbone` in the runner's JVM, its key pinned by both apps "
                + "(`pilot.backbone.key`).", 64));
        String window = System.getProperty(CallBenchmark.REPLY_COALESCING_WINDOW);
        if (window != null) {
            line("");
            line("**The providers' reply coalescing window was set to `" + window + "` for this run** (`-D"
                    + CallBenchmark.REPLY_COALESCING_WINDOW + "`; the node's default is "
                    + PilotNode.DEFAULT_REPLY_COALESCING_MICROS + " µs).");
        }
        line("");
        sequential();
        rates();
        handovers();
        outage();
        return md.toString();
    }

    private void sequential() {
        line("### Sequential calls");
        line("");
        line(String.format(Locale.ROOT, "One calling thread; %,d calls per contender after %,d of warm-up, contenders "
                + "taking turns in blocks of %,d. Latency as the calling thread sees it.", profile.callSamples(),
                profile.callWarmup(), Math.max(1, profile.callSamples() / 10)));
        line("");
        line("| | p50 | p90 | p99 | min | max | failed |");
        line("|---|---:|---:|---:|---:|---:|---:|");
        latencyRow("Pilot: `pilotClient.call(...)` through the mesh", r.pilot());
        latencyRow("Pilot, the capability on the provider's event loop (`@Capability(eventLoop = true)`)",
                r.pilotOnLoop());
        latencyRow("HTTP/JSON: `RestClient` → Tomcat `@RestController`", r.http());
        if (r.nats() != null) {
            latencyRow("NATS request-reply through `nats-server` (jnats both ends)", r.nats());
        } else {
            line("| NATS request-reply | " + r.natsMissing() + " | | | | | |");
        }
        if (ping != null) {
            line(String.format(Locale.ROOT, "| *Section 1, same run: raw UDP echo* | %s | %s | %s | %s | %s | |",
                    micros(ping.rawUdp().median()), micros(ping.rawUdp().percentile(90)),
                    micros(ping.rawUdp().percentile(99)), micros(ping.rawUdp().min()), micros(ping.rawUdp().max())));
        }
        line("");
        if (r.pilot().nanos() != null && r.nats() != null && r.nats().nanos() != null) {
            double ratio = r.pilot().nanos().median() / r.nats().nanos().median();
            line(String.format(Locale.ROOT, "**Pilot p50 / NATS p50 = %.2fx** (target: at most 0.5x, %s).", ratio,
                    ratio <= 0.5 ? "met" : "not met"));
        } else {
            line("**Pilot p50 / NATS p50**: not measured in this run (" + (r.natsMissing() != null ? r.natsMissing()
                    : "a contender had no successful call") + ").");
        }
        if (r.pilotOnLoop().nanos() != null && r.nats() != null && r.nats().nanos() != null) {
            double ratio = r.pilotOnLoop().nanos().median() / r.nats().nanos().median();
            line(String.format(Locale.ROOT, "**Pilot on the event loop p50 / NATS p50 = %.2fx** (the same target, %s).",
                    ratio, ratio <= 0.5 ? "met" : "not met"));
        }
        if (ping != null && r.pilot().nanos() != null) {
            double ratio = r.pilot().nanos().median() / ping.rawUdp().median();
            line(String.format(Locale.ROOT, "**Pilot p50 / raw UDP echo p50 = %.1fx** (moonshot: at most 3x, %s).",
                    ratio, ratio <= 3 ? "met" : "not met"));
        } else {
            line("Pilot against the raw UDP echo (moonshot: at most 3x): section 1 did not run in this report.");
        }
        line("");
        line("*Reading.* What limits each row. A Pilot anycast reads the capability's providers from a view in "
                + "memory (kept fresh by a watch: the backbone is not asked) and makes one round trip to the chosen "
                + "provider: the calling thread hands the request to its node's event loop, the provider's loop hands "
                + "it to the handler pool (the `@Capability` method, Jackson) and the reply back to its loop, and the "
                + "caller's loop takes the failover decision and wakes the blocked caller directly, which decodes the "
                + "reply on its own thread (four thread hand-offs, no callback executor), plus Jackson on both sides. "
                + "The row on the event loop is the same call to the same echo declared `@Capability(eventLoop = true)`: "
                + "the provider's loop runs the method and answers itself, two hand-offs fewer (loop to handler thread "
                + "and back), which any method that never blocks may have. The HTTP row pays a Tomcat request thread, HTTP/1.1 parsing, Spring MVC "
                + "dispatch and Jackson on the provider, and the JDK `HttpClient`'s selector thread on the caller. NATS "
                + "crosses the broker, two hops of one write and one read each on long-lived TCP connections, with "
                + "jnats' reader thread handing to the caller and the responder's dispatcher answering inline; it is "
                + "the shortest path of the three in hand-offs, not in hops. All processes share the machine's cores "
                + "with each other and the JIT, so every row includes wake-up latency of descheduled threads.");
        line("");
    }

    private void rates() {
        line(String.format(Locale.ROOT, "### Calls per second, %d in flight", r.inFlight()));
        line("");
        line(String.format(Locale.ROOT, "%d caller threads, each calling back to back (blocking, as request threads "
                + "of a servlet container would); %d windows of %.1f s per contender after %d warm-up windows each, "
                + "contenders taking turns (the JIT still compiles the concurrent path for several windows after the "
                + "sequential rows). Completed calls per second (median, min - max). *UDP datagrams per call*: the "
                + "datagrams the kernel delivered on the whole machine during the contender's windows (both ways, the "
                + "backbone's keepalives included), per call: below 1, several calls share a datagram; HTTP and NATS "
                + "travel over TCP, so theirs is that background alone.", r.inFlight(),
                r.pilotRate().perSecond().count(), profile.callRateWindow().toMillis() / 1000.0,
                CallBenchmark.RATE_WARMUP_WINDOWS));
        line("");
        line("| | calls/s (median) | min - max | failed | CPU per call: caller | provider | nats-server | all | calls/s "
                + "that CPU allows on " + CORES + " idle cores | UDP datagrams per call |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        rateRow("Pilot", r.pilotRate());
        rateRow("Pilot, on the event loop", r.pilotOnLoopRate());
        rateRow("HTTP/JSON", r.httpRate());
        if (r.natsRate() != null) {
            rateRow("NATS request-reply", r.natsRate());
        } else {
            line("| NATS request-reply | " + r.natsMissing() + " | | | | | | | | |");
        }
        line("");
        if (r.natsRate() != null) {
            double ratio = r.pilotRate().perSecond().median() / r.natsRate().perSecond().median();
            line(String.format(Locale.ROOT, "**Pilot / NATS = %.2fx** calls per second (target: at least 1x, %s).",
                    ratio, ratio >= 1 ? "met" : "not met"));
            double onLoop = r.pilotOnLoopRate().perSecond().median() / r.natsRate().perSecond().median();
            line(String.format(Locale.ROOT, "**Pilot on the event loop / NATS = %.2fx** calls per second (the same "
                    + "target, %s).", onLoop, onLoop >= 1 ? "met" : "not met"));
            line("");
            CallBenchmark.CpuPerCall pilot = r.pilotRate().cpu();
            CallBenchmark.CpuPerCall nats = r.natsRate().cpu();
            line(String.format(Locale.ROOT, "By CPU per call, which the machine's load moves far less than calls per "
                    + "second: Pilot %.1f µs (caller %.1f, provider %.1f), NATS %.1f µs (caller %.1f, provider %.1f, "
                    + "nats-server %.1f): **%.2fx NATS's CPU per call**, %,.0f against %,.0f calls/s on %d idle cores.",
                    pilot.totalMicros(), pilot.callerMicros(), pilot.providerMicros(), nats.totalMicros(),
                    nats.callerMicros(), nats.providerMicros(), nats.brokerMicros(),
                    pilot.totalMicros() / nats.totalMicros(), pilot.callsPerSecondOn(CORES),
                    nats.callsPerSecondOn(CORES), CORES));
            line("");
        }
        line(String.format(Locale.ROOT, "*Reading.* With %d threads calling at once the rows measure CPU per call "
                + "more than latency: %d caller threads, the provider's worker threads and every event loop share the "
                + "machine's cores. A Pilot call asks the backbone nothing: the caller reads the capability's "
                + "providers from the view its watch keeps in memory, counts the call against the provider it picks "
                + "(no lock), and every call in flight to that provider travels as a stream of the one encrypted "
                + "session between the two nodes; on the provider each request crosses from the event loop to the "
                + "handler pool (Boot's task executor, the `@Capability` method and Jackson) and its reply back, so "
                + "the figure is bound by CPU per call on both sides and by those hand-offs, not by the backbone; "
                + "on the event loop the provider's loop answers itself, with no worker thread woken per call. "
                + "The HTTP row opens up to %d keep-alive connections and pays a Tomcat thread per request in flight; "
                + "NATS multiplexes every request of a process over one TCP connection.",
                r.inFlight(), r.inFlight(), r.inFlight()));
        line("");
        line("*Where a Pilot call's CPU goes* (async-profiler CPU samples of both apps at 64 in flight, taken while this "
                + "text was written, load average 20 to 26; not this run): thread wake-ups and system calls, not "
                + "per-byte work. The caller's event loop spent about 38 % of its samples waking blocked callers "
                + "(`LockSupport.unpark`: a futex wake, after which the woken caller often preempts the loop), and the "
                + "calling threads most of theirs parking and being switched back in; the provider's handler threads "
                + "about a third of theirs parking between tasks, its loop a third in `sendto` and `epoll_pwait2`. "
                + "AES-GCM came to a few per cent: an AES-GCM seal and open of a 100-byte packet, `Cipher.init` "
                + "included, costs 0.8 to 1.1 µs in isolation on this machine. NATS pays the same kind of wake-ups "
                + "(jnats' reader thread unparks each caller) in the caller, and its broker's CPU per call in the "
                + "column of its own. A later profile of the provider alone (2026-12-07, 10 s windows at 64 in flight "
                + "after 30 s of warm-up, one contender per pair of processes) put the starter's capability layer at "
                + "about 7 µs of a call's CPU on either path: the request's headers copied twice into Spring's "
                + "`MessageHeaders`, the argument parsed twice (a tree for the schema check, then the parameter), the "
                + "schema check, Spring's argument resolution and the reply's serialisation; and it found the "
                + "provider's answers from the handler pool leaving about two to a datagram, where on the loop one "
                + "datagram carried a read batch's worth: hence the reply coalescing window (below).");
        line("");
        if (r.http().nanos() != null && r.httpRate().perSecond().median() < 1e9 / r.http().nanos().median()) {
            line(String.format(Locale.ROOT, "*Note:* the HTTP row completes fewer calls per second with %d in flight "
                    + "(%,.0f) than one thread calling one at a time would (1 / p50 = %,.0f): client or server "
                    + "serialises under concurrency on this machine; not investigated yet.", r.inFlight(),
                    r.httpRate().perSecond().median(), 1e9 / r.http().nanos().median()));
            line("");
        }
    }

    private void handovers() {
        line("### Providers leaving, dying and joining");
        line("");
        line("While the caller calls back to back (one thread, `pilotClient.call`), a second provider is started and "
                + "the one the caller chose last is stopped gracefully (SIGTERM: it deregisters and drains). *Leave to "
                + "no longer chosen* runs from the signal to the end of the last call that did not reach the remaining "
                + "provider at once (it reached the leaver, failed, or was answered by the remaining provider only "
                + "after more than 1 s: a call that failed over). Then a provider joins beside the remaining one: *join to first chosen* runs from the "
                + "moment it reported itself ready (registered) to the end of the first call it answered. Then the one "
                + "of those two the caller chose last is killed (SIGKILL: no deregistration, its record stays until its "
                + "lease lapses) and *death to no longer chosen* is read as for the leave; a call already sent to the "
                + "dead provider can only end by its request timeout or a lost connection. Finally the last provider is "
                + "stopped, so calls fail (the caller pauses 1 ms after each failure), and a fresh one joins with no "
                + "other. Instants are wall-clock microseconds of the processes involved, on one machine.");
        line("");
        line("| | time | calls failed meanwhile | calls over 1 s |");
        line("|---|---:|---:|---:|");
        handoverRow("Leave (SIGTERM) to no longer chosen", r.leave());
        handoverRow("Join to first chosen (beside another provider)", r.joinBeside());
        if (r.death() == null) {
            line("| Death (SIGKILL) to no longer chosen | not measured: the provider that joined beside another was "
                    + "never chosen | | |");
        } else {
            handoverRow("Death (SIGKILL) to no longer chosen", r.death());
        }
        handoverRow("Join to first chosen (no other provider)", r.join());
        line("");
        line("*Reading.* A newcomer beside a provider the caller already measured is not chosen on its first "
                + "anycast: the default policy ranks a provider whose RTT is unknown after every measured one. The "
                + "anycast that first sees it in its view (pushed by the capability's watch) pings it in the "
                + "background, and from the next anycast on it competes on equal terms (RTTs in one 25 ms step are "
                + "equal, then fewest in flight, then turns). So the beside figure is the watch's push plus that "
                + "probe's round trip plus the next turn, not a handshake on a call's path. After a death the caller "
                + "stops choosing the dead provider at its first failure (it is quarantined, then dropped when its "
                + "lease lapses); the figure is mostly how long that first failure takes to show: a call already sent "
                + "to the provider that died ends when its connection is declared lost (10 s without an answer), then "
                + "fails over. *Join with no other provider*: the only record left in the caller's view is then the "
                + "provider SIGKILLed a step earlier (its lease has not lapsed), quarantined. An anycast whose turn "
                + "comes to a quarantined provider pings it before it sends the request, and while that ping waits "
                + "(a dead provider's for the handshake's 10 s connect timeout) it reads the providers again from "
                + "memory every 20 ms and asks a provider not in quarantine as soon as the watch has pushed one; so "
                + "the figure is the newcomer's registration reaching the caller by push, plus at most one such "
                + "recheck and the call itself. Before that check existed, a call sent to the dead provider waited "
                + "out the handshake (about 10 s) while the newcomer was ready, and failed.");
        line("");
    }

    private void outage() {
        line("### Backbone up and stopped");
        line("");
        line(String.format(Locale.ROOT, "Sequential `pilotClient.call(...)` to the provider the caller already knows "
                + "(and has a session with): %,d calls with the backbone up and %,d with it stopped (its node closed), "
                + "in blocks taking turns (up, stop, 3 s for the caller's retries to get going, down, start again "
                + "empty, wait until the apps registered anew, up...), each block given at most %s; so a drift in the "
                + "machine's load hits both rows alike. The caller process's CPU is read around each block.",
                Math.max(1, profile.callSamples() / 5), Math.max(1, profile.callSamples() / 5),
                seconds(r.outageBudget().toMillis())));
        line("");
        line("| backbone | calls answered | p50 | p99 | failed | first failure |");
        line("|---|---:|---:|---:|---:|---|");
        outageRow("up", r.backboneUp());
        outageRow("stopped", r.backboneDown());
        line("");
        CallBenchmark.Latency up = r.backboneUp();
        CallBenchmark.Latency down = r.backboneDown();
        int wanted = Math.max(1, profile.callSamples() / 5);
        if (up.nanos() != null && down.nanos() != null) {
            double ratio = down.nanos().median() / up.nanos().median();
            boolean met = ratio <= NOISE && down.failures() == 0 && down.nanos().count() == wanted;
            line(String.format(Locale.ROOT, "**Stopped / up p50 = %.2fx**, %,d of %,d calls answered (target: equal "
                    + "within noise, every call answered; %s).", ratio, down.nanos().count(), wanted,
                    met ? "met" : "not met"));
        } else {
            line(String.format(Locale.ROOT, "**No call was answered with the backbone %s** (target: equal within "
                    + "noise, every call answered; not met).", up.nanos() == null ? "up" : "stopped"));
        }
        line(String.format(Locale.ROOT, "Caller process CPU per call: %.1f µs with the backbone up, %.1f µs with it "
                + "stopped (its retries of the backbone included).", r.upCpuMicrosPerCall(), r.downCpuMicrosPerCall()));
        line("");
        line("*Reading.* While its backbone is gone a caller's node retries it in the background: its heartbeat "
                + "fails after the backbone request timeout (5 s) and registration is retried with a growing, jittered "
                + "wait (0.5 s up to 30 s); the handshake to the backbone is retransmitted, 250 ms apart at first and "
                + "twice as far each time, until the connect timeout; after 2 s of unanswered UDP the node dials the backbone's WebSocket, again every "
                + "5 s while that fails; the watches are renewed once it answers again. None of it is on a call's "
                + "path: the providers come from memory and the request goes over the session with the provider. On "
                + "the event loop it is a few timer ticks and datagrams a second (measured in the engine with a "
                + "backbone process killed: the nodes' loops used about 2 ms of CPU per second with the backbone up "
                + "and the same with it gone, and a call's CPU did not grow); so a difference between the p50s here "
                + "is the machine's, not the outage's.");
        if (r.upCpuMicrosPerCall() > 0 && r.downCpuMicrosPerCall() > 1.25 * r.upCpuMicrosPerCall()) {
            line("");
            line(String.format(Locale.ROOT, "*Open.* Here the caller used %.1fx the CPU per call with the backbone "
                    + "stopped, which the engine measurement did not show. The figure is the whole caller process "
                    + "during short blocks (its JIT compiler, GC and logging included, and the first outage runs retry "
                    + "code never compiled before); what the extra CPU is was not traced.",
                    r.downCpuMicrosPerCall() / r.upCpuMicrosPerCall()));
        }
        line("");
        if (down.nanos() != null && down.nanos().median() >= 1e9) {
            line(String.format(Locale.ROOT, "*Reading.* With the backbone stopped, each call waited %s at its median: "
                    + "the anycast still asks the backbone for the providers first, waits out the backbone request "
                    + "timeout (`pilot.backbone.request-timeout`, 5 s by default) and only then falls back to the "
                    + "records it had cached. The backbone is in the path of every call; issue 11 moves resolution "
                    + "to local views kept fresh by watches, after which this row should match the one above.",
                    micros(down.nanos().median())));
            line("");
        }
    }

    private void latencyRow(String name, CallBenchmark.Latency latency) {
        if (latency.nanos() == null) {
            line("| " + name + " | none answered: " + latency.firstError() + " | | | | | " + latency.failures() + " |");
            return;
        }
        Samples s = latency.nanos();
        line(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %d |", name, micros(s.median()),
                micros(s.percentile(90)), micros(s.percentile(99)), micros(s.min()), micros(s.max()),
                latency.failures()));
    }

    private void rateRow(String name, CallBenchmark.Rate rate) {
        Samples s = rate.perSecond();
        CallBenchmark.CpuPerCall cpu = rate.cpu();
        String broker = cpu.brokerMicros() == null ? "" : String.format(Locale.ROOT, "%.1f µs", cpu.brokerMicros());
        String datagrams = rate.udpDatagramsPerCall() == null ? ""
                : String.format(Locale.ROOT, "%.3f", rate.udpDatagramsPerCall());
        line(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f - %,.0f | %d | %.1f µs | %.1f µs | %s | %.1f µs | %,.0f | %s |",
                name, s.median(), s.min(), s.max(), rate.failures(), cpu.callerMicros(), cpu.providerMicros(), broker,
                cpu.totalMicros(), cpu.callsPerSecondOn(CORES), datagrams));
    }

    private void handoverRow(String name, Handovers.Handover handover) {
        String time = handover.micros() == null ? "not within the trace"
                : micros(handover.micros() * 1_000.0);
        line(String.format(Locale.ROOT, "| %s | %s | %d | %d |", name, time, handover.failedCalls(),
                handover.slowCalls()));
    }

    private void outageRow(String name, CallBenchmark.Latency latency) {
        String error = latency.firstError() == null ? "" : "`" + latency.firstError().replace("|", "\\|") + "`";
        if (latency.nanos() == null) {
            line(String.format(Locale.ROOT, "| %s | 0 | | | %d | %s |", name, latency.failures(), error));
            return;
        }
        line(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %d | %s |", name, latency.nanos().count(),
                micros(latency.nanos().median()), micros(latency.nanos().percentile(99)), latency.failures(), error));
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private void line(String text) {
        md.append(text).append('\n');
    }
}

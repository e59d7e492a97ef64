package io.pilot.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs every benchmark once, in one JVM, one after the other, and writes the report. Running them
 * together is deliberate: the figures of one report were taken under the same machine load and JVM, so
 * they can be compared with each other; figures from different runs can only be compared loosely.
 *
 * <pre>
 * BenchmarkRunner [--quick] [--out docs/benchmarks.md] [--only ping,throughput,handshake,loss,backbone,sessions,relay,calls,streams,directory-scale,broadcast]
 * </pre>
 *
 * The command recorded in the report is taken from the {@code bench.command} system property
 * ({@code bin/bench} sets it) or reconstructed from the arguments.
 */
public final class BenchmarkRunner {

    /** The report's sections, in running order. */
    public enum Section {
        PING, THROUGHPUT, HANDSHAKE, LOSS, BACKBONE, SESSIONS, RELAY, CALLS, STREAMS, DIRECTORY_SCALE, BROADCAST
    }

    private BenchmarkRunner() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        RunProfile profile = RunProfile.standard();
        Path out = Path.of("docs", "benchmarks.md");
        Set<Section> sections = EnumSet.allOf(Section.class);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> profile = RunProfile.quick();
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--only" -> sections = parseSections(value(args, ++i, "--only"));
                case "-h", "--help" -> {
                    System.out.println("usage: BenchmarkRunner [--quick] [--out FILE] [--only ping,throughput,handshake,loss,backbone,sessions,relay,calls,streams,directory-scale,broadcast]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
            }
        }
        String command = System.getProperty("bench.command",
                "java io.pilot.benchmarks.BenchmarkRunner " + String.join(" ", args)).trim();
        Report report = run(profile, sections, command);
        new MarkdownReport(report).writeTo(out);
        progress("wrote " + out.toAbsolutePath());
    }

    /** Runs the chosen sections under {@code profile}; sections not chosen stay null in the report. */
    public static Report run(RunProfile profile, Set<Section> sections, String command) throws InterruptedException {
        return run(profile, sections, command, BenchAppLaunch::fromSystemProperties);
    }

    /** As {@link #run(RunProfile, Set, String)}, starting section 7's Spring Boot apps as {@code launch} says. */
    static Report run(RunProfile profile, Set<Section> sections, String command, Supplier<BenchAppLaunch> launch)
            throws InterruptedException {
        Environment environment = Environment.current();
        progress("profile " + profile.name() + ", " + environment.cores() + " cores, " + environment.jvm()
                + ", epoll " + environment.epoll() + ", load average " + environment.loadAverage());
        long start = System.nanoTime();
        PingLatencyBenchmark.Result ping = null;
        ThroughputBenchmark.Result throughput = null;
        HandshakeRateBenchmark.Result handshakes = null;
        CryptoPrimitivesBenchmark.Result primitives = null;
        LossGoodputBenchmark.Result loss = null;
        BackboneBenchmark.Result backbone = null;
        RelayThroughputBenchmark.Result relay = null;
        CallBenchmark.Result calls = null;
        StreamBenchmark.Result streams = null;
        DirectoryScaleBenchmark.Result directoryScale = null;
        BroadcastBenchmark.Result broadcast = null;
        BackboneSessionsBenchmark.Result sessionsHeld = null;
        if (sections.contains(Section.PING)) {
            progress("1/8 ping round trips: Pilot vs raw UDP");
            ping = new PingLatencyBenchmark().run(profile);
            progress(String.format(Locale.ROOT, "    p50 Pilot ping %.1f us, request/reply %.1f us, raw UDP %.1f us",
                    ping.pilotCaller().median() / 1e3, ping.pilotRequest().median() / 1e3, ping.rawUdp().median() / 1e3));
        }
        if (sections.contains(Section.THROUGHPUT)) {
            progress("2/8 bulk throughput: Pilot vs TLS 1.3 vs raw UDP");
            throughput = new ThroughputBenchmark().run(profile);
            progress(String.format(Locale.ROOT, "    Pilot %.0f MiB/s, TLS %.0f MiB/s, UDP %.0f MiB/s",
                    throughput.pilot().median(), throughput.tls().median(), throughput.udp().median()));
        }
        if (sections.contains(Section.HANDSHAKE)) {
            progress("3/8 handshakes per second");
            handshakes = new HandshakeRateBenchmark().run(profile);
            progress(String.format(Locale.ROOT, "    %.0f handshakes/s", handshakes.perSecond().median()));
            progress("    the handshake's primitives, provider against provider");
            primitives = primitives(profile);
        }
        if (sections.contains(Section.LOSS)) {
            progress("4/8 goodput under loss");
            loss = new LossGoodputBenchmark().run(profile);
            for (LossGoodputBenchmark.Row row : loss.rows()) {
                progress(String.format(Locale.ROOT, "    %s loss %.0f%%: %.1f MiB/s", row.controller().id(),
                        row.lossRate() * 100, row.goodput().median()));
            }
        }
        if (sections.contains(Section.BACKBONE)) {
            progress("5/8 backbone: registrations, lookups, heartbeats, records held");
            backbone = new BackboneBenchmark().run(profile);
            progress(String.format(Locale.ROOT, "    %.0f registrations/s, lookups %.0f/s (raw, by hostname), "
                    + "heartbeats %.0f/s, %,d records in-process at %.0f bytes each",
                    backbone.registrationsPerSecond(),
                    backbone.loads().get(BackboneBenchmark.Load.LOOKUP_HOSTNAME_RAW).perSecond().median(),
                    backbone.loads().get(BackboneBenchmark.Load.HEARTBEAT_RAW).perSecond().median(),
                    backbone.inProcess().records(), backbone.inProcess().bytesPerRecord()));
            if (Boolean.getBoolean("bench.debug")) {
                progress("    " + backbone);
            }
        }
        if (sections.contains(Section.SESSIONS)) {
            BackboneSessionsBenchmark.Settings settings = BackboneSessionsBenchmark.Settings.of(profile);
            progress(String.format(Locale.ROOT, "5b real sessions held by one backbone: %,d from %d generator processes",
                    settings.sessions(), settings.generators()));
            sessionsHeld = new BackboneSessionsBenchmark(settings).run();
            progress(String.format(Locale.ROOT, "    %,d sessions held, %,.0f bytes of backbone heap each, %.2f backbone "
                    + "cores at rest, %,.0f heartbeats/s", sessionsHeld.heldSessions(), sessionsHeld.heapPerSession(),
                    sessionsHeld.backboneCores(), sessionsHeld.heartbeatsPerSecond()));
        }
        if (sections.contains(Section.RELAY)) {
            progress("6/8 relay throughput vs direct");
            relay = new RelayThroughputBenchmark().run(profile);
            progress(String.format(Locale.ROOT, "    direct %.0f MiB/s, relayed %.0f MiB/s (%.2fx), relay loop %.2f cores",
                    relay.direct().median(), relay.relayed().median(), relay.relayedToDirect(), relay.relayLoopCores()));
            progress(String.format(Locale.ROOT, "    relayed over TCP %.0f MiB/s (%.2fx the UDP relay), over TLS %.0f MiB/s"
                    + " (%.2fx); ping %.0f / %.0f / %.0f / %.0f µs",
                    relay.tcpRelayed().median(), relay.tcpToUdpRelay(), relay.tlsRelayed().median(), relay.tlsToUdpRelay(),
                    relay.directRtt().median() / 1e3, relay.relayedRtt().median() / 1e3,
                    relay.tcpRelayedRtt().median() / 1e3, relay.tlsRelayedRtt().median() / 1e3));
        }
        if (sections.contains(Section.CALLS)) {
            progress("7/8 capability calls between two Spring Boot apps vs HTTP/JSON vs NATS request-reply");
            calls = new CallBenchmark(launch.get()).run(profile);
            progress(String.format(Locale.ROOT, "    p50 Pilot %s (on the event loop %s), HTTP %s, NATS %s; calls/s at "
                    + "%d in flight: Pilot %s (on the event loop %s), HTTP %s, NATS %s", p50(calls.pilot()),
                    p50(calls.pilotOnLoop()), p50(calls.http()), p50(calls.nats()), calls.inFlight(),
                    perSecond(calls.pilotRate()), perSecond(calls.pilotOnLoopRate()), perSecond(calls.httpRate()),
                    perSecond(calls.natsRate())));
        }
        if (sections.contains(Section.STREAMS)) {
            progress("8/8 streamed replies: items/s and time to first item, windows 32 and 256");
            streams = new StreamBenchmark().run(profile);
            for (StreamBenchmark.Row row : streams.rows()) {
                progress(String.format(Locale.ROOT, "    window %d: %,.0f items/s, first item p50 %.1f us", row.window(),
                        row.itemsPerSecond().median(), row.firstItemNanos().median() / 1e3));
            }
        }
        if (sections.contains(Section.DIRECTORY_SCALE)) {
            directoryScale = directoryScale(profile);
        }
        if (sections.contains(Section.BROADCAST)) {
            progress("10 broadcast to a group of " + BroadcastBenchmark.members(profile) + " members");
            broadcast = new BroadcastBenchmark().run(profile);
            progress(String.format(Locale.ROOT, "    cold %.1f ms, warm to last member %.1f ms (%.0fx unicast RTT); "
                    + "members' handlers on their loops %.1f ms (%.0fx)", broadcast.cold().lastDeliveryNanos() / 1e6,
                    broadcast.lastDeliveryNanos().median() / 1e6, broadcast.lastDeliveryInRtts(),
                    Samples.of(broadcast.onLoop(), BroadcastBenchmark.Round::lastDeliveryNanos).median() / 1e6,
                    broadcast.onLoopLastDeliveryInRtts()));
        }
        long seconds = Math.round((System.nanoTime() - start) / 1e9);
        return new Report(environment, profile, command, seconds, Environment.currentLoadAverage(), ping, throughput, handshakes,
                primitives, loss, backbone, relay, calls, streams, directoryScale, sessionsHeld, broadcast);
    }

    private static CryptoPrimitivesBenchmark.Result primitives(RunProfile profile) {
        try {
            return CryptoPrimitivesBenchmark.measure(CryptoPrimitivesBenchmark.roundMillis(profile));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a primitive the handshake uses is missing from this JVM", e);
        }
    }

    private static DirectoryScaleBenchmark.Result directoryScale(RunProfile profile) throws InterruptedException {
        DirectoryScaleBenchmark.Settings settings = DirectoryScaleBenchmark.Settings.of(profile);
        if (!DirectoryScaleBenchmark.available()) {
            progress("9 directory at scale: skipped, etcd is not installed (Debian package etcd-server)");
            return null;
        }
        progress(String.format(Locale.ROOT, "9 directory at scale: %,d agents, %d backbones on one etcd",
                settings.agents(), settings.backbones()));
        DirectoryScaleBenchmark.Result result = new DirectoryScaleBenchmark(settings).run();
        progress(String.format(Locale.ROOT, "    %,.0f registrations/s, fan-out p50 %.1f ms p99 %.1f ms, lookups/s %s, "
                + "%.0f bytes per record per backbone", result.registering().perSecond(),
                result.fanoutNanos().median() / 1e6, result.fanoutNanos().percentile(99) / 1e6,
                result.lookups().stream().map(row -> String.format(Locale.ROOT, "%,.0f", row.totalPerSecond().median()))
                        .toList(), result.bytesPerRecordPerBackbone()));
        return result;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static Set<Section> parseSections(String list) {
        Set<Section> chosen = EnumSet.noneOf(Section.class);
        Arrays.stream(list.split(","))
                .map(s -> Section.valueOf(s.trim().replace('-', '_').toUpperCase(Locale.ROOT)))
                .forEach(chosen::add);
        return chosen;
    }

    private static String p50(CallBenchmark.Latency latency) {
        return latency == null || latency.nanos() == null ? "-"
                : String.format(Locale.ROOT, "%.1f us", latency.nanos().median() / 1e3);
    }

    private static String perSecond(CallBenchmark.Rate rate) {
        return rate == null ? "-" : String.format(Locale.ROOT, "%,.0f", rate.perSecond().median());
    }

    /** When this JVM loaded the runner: progress lines show the time since, so that a slow step stands out. */
    private static final long STARTED_NANOS = System.nanoTime();

    static void progress(String line) {
        long seconds = (System.nanoTime() - STARTED_NANOS) / 1_000_000_000L;
        System.err.printf("[bench %d:%02d] %s%n", seconds / 60, seconds % 60, line);
    }
}

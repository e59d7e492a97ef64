package io.pilot.benchmarks;

import io.pilot.engine.NodeStats;
import io.pilot.engine.PilotNode;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.session.SessionSettings;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One backbone holding as many real sessions as load-generator processes can open: each session a
 * {@link LightSession} on its own UDP port in a {@link SessionLoadGenerator} child process (a handshake, a
 * registration, a heartbeat every third of the lease, a rekey before the keys age out), the backbone a
 * {@code PilotNode} in this JVM as section 5 runs it. Measures how many sessions and registrations it holds, its
 * heap per session, its CPU and the generators' at rest, and the heartbeats it answers a second.
 *
 * <p>Sizes: {@code bench.sessions} (default 10,000; 5,000 with {@code --quick}; the 100,000 with
 * {@code -Dbench.sessions=100000} and a heap of 4 GiB or more), {@code bench.sessions.generators} (6),
 * {@code bench.sessions.rate} (sessions opened a second over all generators, 400), {@code bench.sessions.hold-seconds}
 * (30; 10 with {@code --quick}), {@code bench.sessions.ramp-seconds} (900; 120 with {@code --quick}).
 */
final class BackboneSessionsBenchmark {

    /** Per-process descriptor limit the generators ask for (the hard limit here is 20,000). */
    private static final int DESCRIPTORS = 20_000;
    /** Longer than a run: rekeys are not part of this measurement (see {@link #LIMITS}). */
    static final Duration REKEY = Duration.ofMinutes(25);
    /**
     * Section 3's lifted limits with a half-open table large enough for the ramp (with the default 4,096 a backbone
     * behind on its handshakes counts itself crowded and asks for cookies, which these clients do not answer), and
     * keys kept for 30 minutes: a backbone whose keys aged out would start a handshake towards each client, and a
     * {@link LightSession} does not answer one (it has no responder role). With the default two minutes, sessions
     * held longer than that were lost in a run on a busy machine. For the same reason the stale rule waits a minute,
     * not five seconds: a backbone that sent and heard nothing back for that long starts a handshake towards the
     * peer, and a generator starved of CPU on a loaded machine is silent that long; a node would answer it.
     */
    static final SessionSettings LIMITS = SessionSettings.DEFAULTS.withHandshakeLimits(1_000_000, 1_000_000, 1 << 20)
            .withRekey(Duration.ofMinutes(30), Duration.ofMinutes(31)).withStaleAfter(Duration.ofMinutes(1));

    /**
     * @param rampLimit how long the generators may take to open their sessions; the hold starts then with those held
     * @param stall     the ramp ends early when no new session was held for this long, once one was
     */
    record Settings(int sessions, int generators, double rate, Duration lease, Duration hold, Duration stall,
                    Duration rampLimit) {

        static Settings of(RunProfile profile) {
            if (profile.name().equals("smoke")) {
                // A few sessions on a short lease, so that heartbeats come within the hold: proves the wiring.
                return new Settings(40, 2, 40, Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(30),
                        Duration.ofSeconds(120));
            }
            boolean quick = profile.name().equals("quick");
            // 10,000 by default: the 100,000 (-Dbench.sessions=100000) take over four minutes to open at 400 a
            // second on a quiet machine, and their heartbeats (10,000 a second) need more generator CPU than the
            // standard run's two cores give; see docs/benchmarks.md 5b.
            return new Settings(Integer.getInteger("bench.sessions", quick ? 5_000 : 10_000),
                    Integer.getInteger("bench.sessions.generators", quick ? 2 : 6),
                    Integer.getInteger("bench.sessions.rate", 400), Duration.ofSeconds(30),
                    Duration.ofSeconds(Integer.getInteger("bench.sessions.hold-seconds", quick ? 10 : 30)), Duration.ofSeconds(30),
                    Duration.ofSeconds(Integer.getInteger("bench.sessions.ramp-seconds", quick ? 120 : 900)));
        }

        double heartbeatsPerSecond(int held) {
            return held / (lease.toMillis() / 3 / 1000.0);
        }
    }

    /** One generator's last counters. */
    record Generator(int opened, int held, int handshaking, int failed, long handshakes, long rekeys, long heartbeats,
                     long reregistrations, long reconnects, int socketErrors, double cpuSeconds, String error) {
    }

    /**
     * @param rampSeconds     from the first generator's start to the last session held (or to the stall)
     * @param heldSessions    sessions the backbone's node held at the end of the hold (its session count)
     * @param registrations   records it held then
     * @param heapBytes       heap in use after a full GC with every session held, minus the same before the backbone
     *                        had any (the bench JVM holds nothing else of size)
     * @param backboneCores   the backbone's event loop and handler pool, cores, over the hold
     * @param jvmCores        the whole bench JVM (the backbone plus GC and JIT), cores, over the hold
     * @param generatorCores  the generator processes together, cores, over the hold
     * @param heartbeatsPerSecond heartbeats the backbone answered a second over the hold
     */
    record Result(Settings settings, double rampSeconds, int heldSessions, int registrations, long heapBytes,
                  double backboneCores, double jvmCores, double generatorCores, double heartbeatsPerSecond,
                  List<Generator> generators, Map<DirectoryError, Long> refusals, String stoppedBy) {

        double heapPerSession() {
            return heldSessions <= 0 ? 0 : (double) heapBytes / heldSessions; // -1: the backbone did not answer
        }

        int opened() {
            return generators.stream().mapToInt(Generator::opened).sum();
        }

        int failed() {
            return generators.stream().mapToInt(Generator::failed).sum();
        }

        long rekeys() {
            return generators.stream().mapToLong(Generator::rekeys).sum();
        }

        long reregistrations() {
            return generators.stream().mapToLong(Generator::reregistrations).sum();
        }

        long reconnects() {
            return generators.stream().mapToLong(Generator::reconnects).sum();
        }
    }

    private static final class Child {
        final Process process;
        volatile Map<String, String> stats = Map.of();
        volatile String error;

        Child(Process process) {
            this.process = process;
            Thread reader = new Thread(this::read, "session-generator-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("stats ")) {
                        Map<String, String> parsed = new HashMap<>();
                        for (String field : line.substring(6).split(" ")) {
                            String[] kv = field.split("=", 2);
                            if (kv.length == 2) {
                                parsed.put(kv[0], kv[1]);
                            }
                        }
                        stats = parsed;
                    } else if (line.startsWith("error ") || line.startsWith("Exception") || line.contains("Error")) {
                        error = line;
                    }
                }
            } catch (IOException e) {
                // the child ended
            }
        }

        int count(String key) {
            return Integer.parseInt(stats.getOrDefault(key, "0"));
        }

        long countLong(String key) {
            return Long.parseLong(stats.getOrDefault(key, "0"));
        }

        double cpuSeconds() {
            return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
        }

        Generator snapshot() {
            return new Generator(count("opened"), count("held"), count("handshaking"), count("failed"),
                    countLong("handshakes"), countLong("rekeys"), countLong("heartbeats"), countLong("reregistrations"),
                    countLong("reconnects"), count("socketErrors"),
                    cpuSeconds(), error);
        }
    }

    private final Settings settings;

    BackboneSessionsBenchmark(Settings settings) {
        this.settings = settings;
    }

    Result run() throws InterruptedException {
        long heapBefore = InProcessDirectoryBenchmark.settledHeap();
        Set<Long> loopsBefore = ThreadCpu.eventLoops();
        PilotNode node = PilotPair.node().sessionSettings(LIMITS).build().start();
        List<Child> children = new ArrayList<>();
        try {
            ThreadCpu threadCpu = ThreadCpu.withBackboneLoop(loopsBefore, ThreadCpu.eventLoops());
            try (Backbone backbone = Backbone.start(node, BackboneSettings.DEFAULTS.withLeaseTtl(settings.lease()),
                    DirectoryStore.none())) {
                long start = System.nanoTime();
                int perGenerator = (settings.sessions() + settings.generators() - 1) / settings.generators();
                for (int g = 0; g < settings.generators(); g++) {
                    int count = Math.min(perGenerator, settings.sessions() - g * perGenerator);
                    children.add(start(node, g, g * perGenerator, count));
                }
                String stoppedBy = ramp(node, backbone, children);
                double rampSeconds = (System.nanoTime() - start) / 1e9;
                BenchmarkRunner.progress(String.format(Locale.ROOT, "    %,d sessions held after %.0f s (%s); holding %d s",
                        sessionsOf(node), rampSeconds, stoppedBy, settings.hold().toSeconds()));

                ThreadCpu.Mark mark = threadCpu.mark();
                double generatorCpuBefore = children.stream().mapToDouble(Child::cpuSeconds).sum();
                long heartbeatsBefore = backbone.requests(DirectoryProtocol.OP_HEARTBEAT);
                long holdStart = System.nanoTime();
                Thread.sleep(settings.hold().toMillis());
                double holdSeconds = (System.nanoTime() - holdStart) / 1e9;
                long heartbeats = backbone.requests(DirectoryProtocol.OP_HEARTBEAT) - heartbeatsBefore;
                Map<ThreadCpu.Group, Double> cores = threadCpu.coresSince(mark);
                double jvmCores = cores.values().stream().mapToDouble(Double::doubleValue).sum();
                double generatorCores = (children.stream().mapToDouble(Child::cpuSeconds).sum() - generatorCpuBefore) / holdSeconds;
                int held = sessionsOf(node);
                int registrations = backbone.registrations();
                long heapAfter = InProcessDirectoryBenchmark.settledHeap();
                return new Result(settings, rampSeconds, held, registrations, heapAfter - heapBefore,
                        cores.get(ThreadCpu.Group.BACKBONE), jvmCores, generatorCores, heartbeats / holdSeconds,
                        children.stream().map(Child::snapshot).toList(), backbone.refusals(), stoppedBy);
            }
        } finally {
            for (Child child : children) {
                try {
                    child.process.getOutputStream().close(); // the generator exits when its input closes
                } catch (IOException e) {
                    // gone already
                }
            }
            for (Child child : children) {
                if (!child.process.waitFor(10, TimeUnit.SECONDS)) {
                    child.process.destroyForcibly();
                }
            }
            node.close();
        }
    }

    /**
     * The sessions the backbone's node holds, or -1 when its loop does not answer within the node's call timeout: a
     * backbone that fell behind is a result to report, not a reason to end the run.
     */
    private static int sessionsOf(PilotNode node) {
        try {
            return node.stats().sessions();
        } catch (IllegalStateException e) {
            BenchmarkRunner.progress("    the backbone's loop did not answer: " + e.getMessage());
            return -1;
        }
    }

    /** Waits until every session is held, or no more come for a while; says which. */
    private String ramp(PilotNode node, Backbone backbone, List<Child> children) throws InterruptedException {
        int best = 0;
        long bestAt = System.nanoTime();
        long rampEnd = bestAt + settings.rampLimit().toNanos();
        int seconds = 0;
        while (true) {
            Thread.sleep(1_000);
            int held = children.stream().mapToInt(c -> c.count("held")).sum();
            if (held >= settings.sessions()) {
                return "all held";
            }
            if (children.stream().noneMatch(c -> c.process.isAlive())) {
                return "the generators ended: " + children.stream().map(c -> c.error).filter(e -> e != null).findFirst()
                        .orElse("no error printed");
            }
            if (System.nanoTime() > rampEnd) {
                return "the ramp's limit of " + settings.rampLimit().toSeconds() + " s reached";
            }
            if (held > best) {
                best = held;
                bestAt = System.nanoTime();
            } else if (best > 0 && System.nanoTime() - bestAt > settings.stall().toNanos()) {
                // Counted from the first session held: a generator's JVM can take longer than that to start on a busy machine.
                String error = children.stream().map(c -> c.error).filter(e -> e != null).findFirst().orElse(null);
                return "no new session held for " + settings.stall().toSeconds() + " s"
                        + (error == null ? "" : ": " + error);
            }
            if (++seconds % 15 == 0) {
                // The backbone's loop answers this between its datagrams: slow when it is behind, which is worth seeing.
                int opened = children.stream().mapToInt(c -> c.count("opened")).sum();
                String seen;
                try {
                    NodeStats stats = node.stats();
                    seen = String.format(Locale.ROOT, "%,d sessions, %,d handshakes pending, drops %s", stats.sessions(),
                            stats.pendingHandshakes(), stats.drops());
                } catch (IllegalStateException e) {
                    seen = "its loop did not answer (" + e.getMessage() + ")";
                }
                BenchmarkRunner.progress(String.format(Locale.ROOT, "    %,d opened, %,d held; backbone: %,d records, %s",
                        opened, held, backbone.registrations(), seen));
            }
        }
    }

    private Child start(PilotNode node, int index, int firstAgent, int count) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Its own loopback address per generator: ports are per address, and 127.0.0.0/8 is all loopback.
        String bind = "127.0.0." + (20 + index);
        double rate = (double) settings.rate() / settings.generators();
        String command = String.format(Locale.ROOT, "ulimit -n %d && exec '%s' -Xmx768m -XX:+UseSerialGC -cp '%s' %s %s %d %d %s %d %.1f %d %d",
                DESCRIPTORS, java, System.getProperty("java.class.path"), SessionLoadGenerator.class.getName(),
                HostPort.format(node.localEndpoint()), node.address().realm(), count, bind, firstAgent, rate,
                settings.lease().toMillis() / 3, REKEY.toMillis());
        try {
            return new Child(new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a session generator: " + e.getMessage(), e);
        }
    }
}

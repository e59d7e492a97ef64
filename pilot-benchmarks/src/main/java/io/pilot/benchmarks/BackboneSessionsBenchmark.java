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
 * heap per session, its CPU and the generators' at rest, and the heartbeats it answers a second: first at the run's
 * lease (a heartbeat every third of it), then, when that lease is longer than the backbone's default, with the same
 * sessions heartbeating as often as the default lease asks (every 10 s), which is what the default would cost them.
 *
 * <p>Sizes: {@code bench.sessions} (default the 100,000; 5,000 with {@code --quick}),
 * {@code bench.sessions.generators} (8: 12,500 sessions and as many descriptors each, under the hard limit of
 * 20,000, and as many ports on each generator's own loopback address, in a range of 28,232),
 * {@code bench.sessions.rate} (sessions opened a second over all generators, 400: a run here opening at up to 1,000,
 * ~600 a second in fact, starved the generators' 70,000 held sessions of CPU for the 10 s that closes a connection
 * as unresponsive and lost them; 100,000 at 400 a second take a little over four minutes), {@code bench.sessions.lease-seconds} (90 with 10,000 sessions or more, 30 below),
 * {@code bench.sessions.hold-seconds} (30; 10 with {@code --quick}), {@code bench.sessions.ramp-seconds} (1,800;
 * 120 with {@code --quick}), {@code bench.sessions.generator-jvm} (the generators' JVM options, comma-separated;
 * {@code -Xmx1g,-XX:+UseSerialGC}). The backbone's heap is the bench JVM's ({@code bin/bench}: 2 GiB), reported.
 */
final class BackboneSessionsBenchmark {

    /**
     * The generators' JVM options, from {@code bench.sessions.generator-jvm}, comma-separated (JAVA_OPTS splits on
     * spaces): their heap, a GC log.
     */
    private static final String GENERATOR_JVM_OPTIONS = System.getProperty("bench.sessions.generator-jvm",
            "-Xmx1g,-XX:+UseSerialGC").replace(',', ' ');

    /**
     * The generators' scheduling niceness, from {@code bench.sessions.generator-nice} (10): they stand in for other
     * machines but share this one's two cores with the backbone, and at equal priority eight busy generators (a
     * handshake, an identity and a signed record per session opened) competed with the backbone's one event loop
     * for them: its socket first overflowed at about 23,000 sessions in the ramp, with the loop answering in tens of
     * milliseconds. Niced, they get what the backbone leaves, as a fleet of separate machines would leave it all,
     * and the same ramp ran without a drop to 58,000 and more (docs/benchmarks.md section 5b).
     */
    static final int GENERATOR_NICE = Integer.getInteger("bench.sessions.generator-nice", 10);

    /** Per-process descriptor limit the generators ask for (the hard limit here is 20,000). */
    private static final int DESCRIPTORS = 20_000;
    /** How often the ramp prints what it sees (the backbone's loop, its socket): a collapse unfolds within seconds. */
    private static final int PROGRESS_SECONDS = 5;
    /** The backbone's default lease, whose heartbeat rate the second hold measures. */
    static final Duration DEFAULT_LEASE = BackboneSettings.DEFAULTS.leaseTtl();
    /**
     * From this many sessions on, the run's lease is longer than the default: at the default's heartbeat every 10 s,
     * 100,000 sessions make 10,000 heartbeats a second, and at the CPU per heartbeat measured here (90 to 130 µs of
     * the backbone's, about as much again of the generators', at load averages of 25 to 40) that is more than the
     * two cores the backbone shares with its generators. The second hold measures it on the same sessions.
     */
    private static final int LONG_LEASE_FROM = 10_000;
    private static final Duration LONG_LEASE = Duration.ofSeconds(90);
    /** Longer than a run: rekeys are not part of this measurement (see {@link #LIMITS}). */
    static final Duration REKEY = Duration.ofMinutes(25);
    /**
     * The handshake guard as a backbone of 100,000 hosts would run it, but for the per-source budget: the default
     * cookie threshold (a wave of more than 500 INITs a second, as when sessions come back together after a stall, is
     * asked for cookies, which the {@link LightSession}s answer as nodes do), while each generator's 12,500 sessions
     * share one source address where real clients would have their own, so the per-source budget is lifted, and the
     * half-open table holds the ramp (with the default 4,096 a backbone behind on its handshakes drops its oldest
     * half-open handshakes for new ones). Keys are kept for 30 minutes: a backbone whose keys aged out would start a
     * handshake towards each client, and a {@link LightSession} does not answer one (it has no responder role). With
     * the default two minutes, sessions held longer than that were lost in a run on a busy machine. For the same
     * reason the stale rule waits a minute, not five seconds: a backbone that sent and heard nothing back for that
     * long starts a handshake towards the peer, and a generator starved of CPU on a loaded machine is silent that
     * long; a node would answer it.
     */
    static final SessionSettings LIMITS = SessionSettings.DEFAULTS.withHandshakeLimits(1_000_000,
                    SessionSettings.DEFAULTS.cookieThreshold(), 1 << 20)
            .withRekey(Duration.ofMinutes(30), Duration.ofMinutes(31)).withStaleAfter(Duration.ofMinutes(1));

    /**
     * @param rampLimit how long the generators may take to open their sessions; the hold starts then with those held
     * @param stall     the ramp ends early when no new session was held for this long, once one was
     */
    record Settings(int sessions, int generators, double rate, Duration lease, Duration hold, Duration stall,
                    Duration rampLimit) {

        /** How often a session heartbeats: a third of the lease, as {@code DirectoryClient} does. */
        Duration heartbeat() {
            return lease.dividedBy(3);
        }

        /** Whether a second hold measures the default lease's heartbeat rate: only where the run's lease is longer. */
        boolean holdsAtDefaultRate() {
            return lease.compareTo(DEFAULT_LEASE) > 0;
        }

        static Settings of(RunProfile profile) {
            if (profile.name().equals("smoke")) {
                // A few sessions on a short lease, so that heartbeats come within the hold: proves the wiring.
                return new Settings(40, 2, 40, Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(30),
                        Duration.ofSeconds(120));
            }
            boolean quick = profile.name().equals("quick");
            int sessions = Integer.getInteger("bench.sessions", quick ? 5_000 : 100_000);
            Duration lease = sessions >= LONG_LEASE_FROM ? LONG_LEASE : DEFAULT_LEASE;
            return new Settings(sessions, Integer.getInteger("bench.sessions.generators", quick ? 2 : 8),
                    Integer.getInteger("bench.sessions.rate", 400),
                    Duration.ofSeconds(Integer.getInteger("bench.sessions.lease-seconds", (int) lease.toSeconds())),
                    Duration.ofSeconds(Integer.getInteger("bench.sessions.hold-seconds", quick ? 10 : 30)), Duration.ofSeconds(60),
                    Duration.ofSeconds(Integer.getInteger("bench.sessions.ramp-seconds", quick ? 120 : 1_800)));
        }

        double heartbeatsPerSecond(int held, Duration heartbeat) {
            return held / (heartbeat.toMillis() / 1000.0);
        }
    }

    /** One generator's last counters. */
    record Generator(int opened, int held, int handshaking, int failed, long handshakes, long rekeys, long heartbeats,
                     long reregistrations, long reconnects, long cookies, long datagramsIn, long datagramsOut,
                     int socketErrors, Map<String, Long> closes, double cpuSeconds, String error) {
    }

    /**
     * One hold of the sessions at rest, at one heartbeat interval.
     *
     * @param backboneCores      the backbone's event loop and handler pool, cores
     * @param jvmCores           the whole bench JVM (the backbone plus GC and JIT), cores
     * @param generatorCores     the generator processes together, cores
     * @param datagramsPerSecond datagrams between the generators and the backbone, both ways (heartbeats, their
     *                           acknowledgements, the transport's keepalives)
     */
    record Rest(Duration heartbeat, double seconds, double backboneCores, double jvmCores, double generatorCores,
                double heartbeatsPerSecond, double datagramsPerSecond) {

        double backboneMicrosPerHeartbeat() {
            return heartbeatsPerSecond == 0 ? 0 : backboneCores / heartbeatsPerSecond * 1e6;
        }
    }

    /**
     * @param rampSeconds     from the first generator's start to the last session held (or to the stall)
     * @param heldSessions    sessions the backbone's node held at the end of the hold (its session count)
     * @param registrations   records it held then
     * @param heapBytes       heap in use after a full GC with every session held, minus the same before the backbone
     *                        had any (the bench JVM holds nothing else of size)
     * @param maxHeapBytes    the bench JVM's heap limit, which the backbone lives in
     * @param rampCores       the backbone's event loop and handler pool, cores, while the sessions opened
     * @param atLease         the hold at the run's lease
     * @param atDefaultRate   the hold at the default lease's heartbeat rate, or null (the run's lease is the default)
     */
    record Result(Settings settings, double rampSeconds, int heldSessions, int registrations, long heapBytes,
                  long maxHeapBytes, double rampCores, Rest atLease, Rest atDefaultRate,
                  List<Generator> generators, Map<DirectoryError, Long> refusals, String stoppedBy) {

        double backboneCores() {
            return atLease.backboneCores();
        }

        double heartbeatsPerSecond() {
            return atLease.heartbeatsPerSecond();
        }

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

        long cookies() {
            return generators.stream().mapToLong(Generator::cookies).sum();
        }

        /** The generators' closed connections by why ({@code own-} or {@code backbone-} and the transport error code). */
        Map<String, Long> closes() {
            Map<String, Long> all = new java.util.TreeMap<>();
            generators.forEach(g -> g.closes().forEach((why, n) -> all.merge(why, n, Long::sum)));
            return all;
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
                    countLong("reconnects"), countLong("cookies"), countLong("in"), countLong("out"), count("socketErrors"),
                    closes(), cpuSeconds(), error);
        }

        /** The generator's {@code closes=own-6=3,backbone-4=1} (or {@code none}) as a map. */
        private Map<String, Long> closes() {
            Map<String, Long> closes = new java.util.TreeMap<>();
            String field = stats.getOrDefault("closes", "none");
            if (!field.equals("none")) {
                for (String entry : field.split(",")) {
                    String[] kv = entry.split("=", 2);
                    closes.put(kv[0], Long.parseLong(kv[1]));
                }
            }
            return closes;
        }

        /** Tells the generator to heartbeat every {@code interval} from each session's next beat on. */
        void heartbeatEvery(Duration interval) {
            try {
                process.getOutputStream().write(("heartbeat-ms " + interval.toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
                process.getOutputStream().flush();
            } catch (IOException e) {
                error = "cannot reach the generator: " + e.getMessage();
            }
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
                ThreadCpu.Mark rampMark = threadCpu.mark();
                String stoppedBy = ramp(node, backbone, children);
                double rampSeconds = (System.nanoTime() - start) / 1e9;
                double rampCores = threadCpu.coresSince(rampMark).get(ThreadCpu.Group.BACKBONE);
                BenchmarkRunner.progress(String.format(Locale.ROOT, "    %,d sessions held after %.0f s (%s); holding %d s, a heartbeat every %d s",
                        sessionsOf(node), rampSeconds, stoppedBy, settings.hold().toSeconds(), settings.heartbeat().toSeconds()));
                // Heartbeats of sessions opened late in the ramp come in step at first: one interval spreads them.
                Thread.sleep(settings.heartbeat().toMillis());
                Rest atLease = hold(settings.heartbeat(), threadCpu, backbone, children);
                int held = sessionsOf(node);
                int registrations = backbone.registrations();
                long heapAfter = InProcessDirectoryBenchmark.settledHeap();
                Rest atDefaultRate = null;
                if (settings.holdsAtDefaultRate()) {
                    Duration beat = DEFAULT_LEASE.dividedBy(3);
                    BenchmarkRunner.progress(String.format(Locale.ROOT, "    %,d sessions held, %.2f backbone cores at rest; "
                            + "now a heartbeat every %d s, as the default lease asks", held, atLease.backboneCores(), beat.toSeconds()));
                    children.forEach(child -> child.heartbeatEvery(beat));
                    // Each session takes the new interval at its next beat: one old interval, then one new one to spread.
                    Thread.sleep(settings.heartbeat().plus(beat).toMillis());
                    atDefaultRate = hold(beat, threadCpu, backbone, children);
                }
                return new Result(settings, rampSeconds, held, registrations, heapAfter - heapBefore,
                        Runtime.getRuntime().maxMemory(), rampCores, atLease, atDefaultRate,
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

    /** Holds the sessions for {@link Settings#hold} at a heartbeat every {@code heartbeat}, measuring what they cost. */
    private Rest hold(Duration heartbeat, ThreadCpu threadCpu, Backbone backbone, List<Child> children)
            throws InterruptedException {
        ThreadCpu.Mark mark = threadCpu.mark();
        double generatorCpuBefore = children.stream().mapToDouble(Child::cpuSeconds).sum();
        long datagramsBefore = datagrams(children);
        long heartbeatsBefore = backbone.requests(DirectoryProtocol.OP_HEARTBEAT);
        long holdStart = System.nanoTime();
        Thread.sleep(settings.hold().toMillis());
        double seconds = (System.nanoTime() - holdStart) / 1e9;
        long heartbeats = backbone.requests(DirectoryProtocol.OP_HEARTBEAT) - heartbeatsBefore;
        Map<ThreadCpu.Group, Double> cores = threadCpu.coresSince(mark);
        double jvmCores = cores.values().stream().mapToDouble(Double::doubleValue).sum();
        double generatorCores = (children.stream().mapToDouble(Child::cpuSeconds).sum() - generatorCpuBefore) / seconds;
        // The generators print their counters once a second: the count lags by up to a second at both ends alike.
        double datagramsPerSecond = (datagrams(children) - datagramsBefore) / seconds;
        return new Rest(heartbeat, seconds, cores.get(ThreadCpu.Group.BACKBONE), jvmCores, generatorCores,
                heartbeats / seconds, datagramsPerSecond);
    }

    private static long datagrams(List<Child> children) {
        return children.stream().mapToLong(c -> c.countLong("in") + c.countLong("out")).sum();
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
            if (++seconds % PROGRESS_SECONDS == 0) {
                // The backbone's loop answers this between its datagrams: slow when it is behind, which is worth seeing.
                int opened = children.stream().mapToInt(c -> c.count("opened")).sum();
                String seen;
                long asked = System.nanoTime();
                try {
                    NodeStats stats = node.stats();
                    seen = String.format(Locale.ROOT, "%,d sessions, %,d handshakes pending, its loop answered in %.1f ms, "
                            + "drops %s", stats.sessions(), stats.pendingHandshakes(), (System.nanoTime() - asked) / 1e6,
                            stats.drops());
                } catch (IllegalStateException e) {
                    seen = "its loop did not answer (" + e.getMessage() + ")";
                }
                BenchmarkRunner.progress(String.format(Locale.ROOT, "    %,d opened, %,d held; backbone: %,d records, %s; %s",
                        opened, held, backbone.registrations(), seen, UdpSocketQueue.ofPort(node.localEndpoint().getPort())));
            }
        }
    }

    private Child start(PilotNode node, int index, int firstAgent, int count) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Its own loopback address per generator: ports are per address, and 127.0.0.0/8 is all loopback.
        String bind = "127.0.0." + (20 + index);
        double rate = (double) settings.rate() / settings.generators();
        String command = String.format(Locale.ROOT, "ulimit -n %d && exec nice -n %d '%s' %s -cp '%s' %s %s %d %d %s %d %.1f %d %d",
                DESCRIPTORS, GENERATOR_NICE, java, GENERATOR_JVM_OPTIONS, System.getProperty("java.class.path"), SessionLoadGenerator.class.getName(),
                HostPort.format(node.localEndpoint()), node.address().realm(), count, bind, firstAgent, rate,
                settings.heartbeat().toMillis(), REKEY.toMillis());
        try {
            return new Child(new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a session generator: " + e.getMessage(), e);
        }
    }
}

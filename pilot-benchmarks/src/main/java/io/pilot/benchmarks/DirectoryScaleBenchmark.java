package io.pilot.benchmarks;

import io.pilot.backbone.etcd.LocalEtcd;
import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Section 9: one realm of several backbones on one real etcd (a child process on loopback), holding many
 * registered agents with heartbeats.
 *
 * <p>What is real and what is simulated. The etcd server, the backbones (real nodes, each with its own
 * {@code EtcdDirectoryStore}: own etcd client, own etcd lease, own replica fed by etcd's watch), the watcher
 * (a {@link DirectoryClient} on its own node, registered over a real Noise session) and the lookup clients (nodes
 * with real sessions to one backbone each, sending directory requests over UDP) are real. The bulk agents are
 * not nodes: the backbone binds a registration to the key of the session it arrives on, so N records need N
 * sessions, and one JVM on two cores cannot run 100,000 nodes. Each bulk agent is a distinct identity whose
 * signed register request and heartbeats are handed to the directory handler of "its" backbone in-process, as
 * the backbone's node hands over a request decrypted from a session ({@link SyntheticAgents}): signature
 * check, key binding, rate limit, etcd transaction, the wait for etcd's feed and the lease keeping all run;
 * the Noise handshake, encryption and datagrams of those agents do not.
 *
 * <p>In running order: registrations spread round-robin over the backbones, heartbeats kept up at a third of
 * the lease from then on ({@link HeartbeatDriver}); the heap with every replica full; watch fan-out (a
 * registration through backbone 1, one at a time, to the event at the watcher attached to backbone 2);
 * etcd's write rate over two windows with heartbeats at two rates; lookups by hostname over real sessions
 * against 1, 2 and 3 backbones at once.
 */
public final class DirectoryScaleBenchmark {

    /** Requests each lookup client keeps in flight. */
    public static final int DEPTH = 32;
    /** Lookup client nodes per backbone. */
    public static final int CLIENTS_PER_BACKBONE = 2;
    /** How much faster the second write window heartbeats than the first. */
    public static final int FAST_HEARTBEAT_FACTOR = 4;
    /** The capability the fan-out agents announce and the watcher watches. */
    static final String FANOUT_CAPABILITY = "bench.fanout";

    /** Identities and signed requests are prepared in chunks of this many, outside the timed registrations. */
    private static final int CHUNK = 5_000;
    /** Distinct hostnames the lookup clients cycle through (a random sample of the agents). */
    private static final int LOOKUP_SAMPLE = 4_096;
    /** Real nodes holding a registration besides the bulk agents: the watcher. */
    private static final int REAL_AGENTS = 1;

    /**
     * @param agents bulk agents registered
     * @param backbones backbones of the realm
     * @param leaseTtl the backbones' lease (agents heartbeat at a third of it)
     * @param registrationThreads registrations in flight at once (each blocks a thread on etcd)
     * @param fanoutSamples registrations timed from backbone 1 to the watcher on backbone 2
     * @param writeWindow length of each etcd write-rate window
     * @param lookupWindow length of one lookup window
     * @param lookupIterations measured lookup windows per backbone count (one more is run and discarded)
     */
    public record Settings(int agents, int backbones, Duration leaseTtl, int registrationThreads, int fanoutSamples,
                           Duration writeWindow, Duration lookupWindow, int lookupIterations) {

        public static Settings of(RunProfile profile) {
            return switch (profile.name()) {
                case "standard" -> new Settings(100_000, 3, Duration.ofSeconds(30), 32, 1_000, Duration.ofSeconds(10),
                        Duration.ofSeconds(2), 3);
                case "quick" -> new Settings(5_000, 3, Duration.ofSeconds(30), 32, 200, Duration.ofSeconds(4),
                        Duration.ofSeconds(1), 2);
                default -> new Settings(300, 3, Duration.ofSeconds(30), 8, 20, Duration.ofSeconds(1),
                        Duration.ofMillis(300), 1);
            };
        }

        /** Heartbeats per second when every agent beats at a third of the lease, as {@code DirectoryClient} does. */
        public double heartbeatsPerSecond() {
            return agents / (leaseTtl.toMillis() / 3 / 1000.0);
        }
    }

    /**
     * @param acknowledgedSeconds from the first register request to the last one answered (preparing the signed
     *                            requests excluded)
     * @param replicatedSeconds from the first register request until every backbone held every record
     * @param etcdProposals raft proposals etcd committed during the registrations
     * @param etcdTxns transactions etcd applied during the registrations
     * @param failures registrations refused or failed
     * @param firstFailure the first failure's message, or null
     * @param etcdFsyncs WAL fsyncs etcd made during the registrations (one fsync covers a batch of writes)
     * @param etcdFsyncMillis their mean duration (etcd's own histogram)
     * @param jvmCores CPU the benchmark's JVM used per second while registering
     * @param etcdCores CPU etcd used per second while registering
     */
    public record Registering(int agents, double acknowledgedSeconds, double replicatedSeconds, double etcdProposals,
                              double etcdTxns, long failures, String firstFailure, double etcdFsyncs,
                              double etcdFsyncMillis, double jvmCores, double etcdCores) {

        /** Registrations per second, all backbones together, counted until every backbone held them all. */
        public double perSecond() {
            return agents / replicatedSeconds;
        }
    }

    /** etcd's counters over one window with heartbeats at one rate (per second, from etcd's metrics). */
    public record WriteWindow(double heartbeatsPerSecond, double proposalsPerSecond, double txnsPerSecond,
                              double putsPerSecond, double deletesPerSecond, double leaseRenewalsPerSecond,
                              double fsyncsPerSecond) {
    }

    /**
     * @param backbones backbones loaded at once
     * @param totalPerSecond lookups per second over all of them, one value per window
     * @param perBackbone median lookups per second each backbone answered
     * @param jvmCores CPU the benchmark's JVM (backbones, clients, heartbeats) used per second, median
     * @param etcdCores CPU the etcd process used per second, median
     */
    public record LookupRow(int backbones, Samples totalPerSecond, double[] perBackbone, double jvmCores,
                            double etcdCores) {
    }

    /**
     * @param registering the registrations
     * @param heldMin fewest records any backbone held from the end of the registrations to the end of the section
     * @param expectedHeld records every backbone should hold (bulk agents and the watcher)
     * @param lapsed heartbeats refused {@code NOT_REGISTERED} after the registrations (a lease had lapsed)
     * @param refusedWhileRegistering heartbeats refused {@code NOT_REGISTERED} during the registrations
     * @param fanoutNanos register request handed to backbone 1 to the joined event at the watcher on backbone 2
     * @param registerReplyNanos register request handed to backbone 1 to its reply (etcd written, feed caught up)
     * @param fanoutLost fan-out registrations whose event did not reach the watcher within 10 s
     * @param fanoutFsyncMillis mean duration of etcd's WAL fsyncs during the fan-out (its own histogram): every
     *                          registration waits for one
     * @param writes etcd's write rate at the normal heartbeat rate, then at {@link #FAST_HEARTBEAT_FACTOR} times it
     * @param lookups lookups by hostname against 1..n backbones
     * @param heapBeforeBytes heap in use after a full GC, backbones up, directory empty
     * @param heapAfterBytes the same with every backbone holding every record
     * @param lookupFailures lookups that failed or did not find exactly one record
     * @param etcdVersion what {@code etcd --version} says
     * @param seconds how long the section took
     * @param leaseRenewals lease keep-alives etcd answered over the whole section (all backbones)
     */
    public record Result(Settings settings, String etcdVersion, long seconds, Registering registering,
                         int heldMin, int expectedHeld, long lapsed, long refusedWhileRegistering,
                         Samples fanoutNanos, Samples registerReplyNanos, int fanoutLost, double fanoutFsyncMillis,
                         List<WriteWindow> writes, List<LookupRow> lookups, long heapBeforeBytes, long heapAfterBytes,
                         long lookupFailures, double leaseRenewals) {

        /** Registrations per second each backbone took (they were spread round-robin). */
        public double registrationsPerSecondPerBackbone() {
            return registering.perSecond() / settings.backbones();
        }

        /** Heap per record per backbone: every backbone holds a replica of every record. */
        public double bytesPerRecordPerBackbone() {
            return (double) (heapAfterBytes - heapBeforeBytes) / ((long) expectedHeld * settings.backbones());
        }
    }

    private final Settings settings;
    private final List<RealmBackbone> backbones = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final LongAdder lookupFailures = new LongAdder();
    private SyntheticAgents agents;
    private LocalEtcd etcd;
    private EtcdMetrics metrics;

    public DirectoryScaleBenchmark(Settings settings) {
        this.settings = settings;
    }

    /** Whether this machine can run the section (it needs the {@code etcd} binary). */
    public static boolean available() {
        return LocalEtcd.installed();
    }

    public Result run() throws InterruptedException {
        Path dir;
        try {
            dir = Files.createTempDirectory("pilot-bench-etcd");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            long start = System.nanoTime();
            etcd = LocalEtcd.start(dir);
            metrics = new EtcdMetrics(etcd.metrics());
            return measure(LocalEtcd.version(), start);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            closeAll();
            if (etcd != null) {
                etcd.close();
            }
            deleteTree(dir);
        }
    }

    private Result measure(String etcdVersion, long start) throws InterruptedException {
        EtcdMetrics.Scrape atStart = metrics.scrape();
        Identity realmIdentity = Identity.generate(new SecureRandom());
        BackboneSettings backboneSettings = BackboneSettings.DEFAULTS.withLeaseTtl(settings.leaseTtl());
        for (int i = 0; i < settings.backbones(); i++) {
            RealmBackbone backbone = new RealmBackbone(realmIdentity, "etcd://" + etcd.endpoint(), backboneSettings);
            closeables.add(0, backbone);
            backbones.add(backbone);
        }
        agents = new SyntheticAgents(backbones.get(0).node().address().realm());
        int n = settings.agents();
        IncomingMessage[] heartbeats = IntStream.range(0, n).parallel()
                .mapToObj(i -> agents.heartbeat(agents.identity(i).publicKey())).toArray(IncomingMessage[]::new);
        AtomicIntegerArray registered = new AtomicIntegerArray(n);

        RealmBackbone first = backbones.get(0);
        RealmBackbone second = backbones.get(Math.min(1, backbones.size() - 1));
        DirectoryClient watcher = realAgent(second, "bench-watcher");
        List<List<PilotNode>> lookupClients = lookupClients();

        HeartbeatDriver driver = new HeartbeatDriver(backbones, heartbeats, registered, settings.heartbeatsPerSecond());
        closeables.add(0, driver);
        long heapBefore = InProcessDirectoryBenchmark.settledHeap();

        BenchmarkRunner.progress(String.format(Locale.ROOT, "    registering %,d agents through %d backbones",
                n, backbones.size()));
        Registering registering = register(registered);
        long refusedWhileRegistering = driver.refused(DirectoryError.NOT_REGISTERED);
        long heapAfter = InProcessDirectoryBenchmark.settledHeap();

        HeldSampler held = new HeldSampler();
        try {
            BenchmarkRunner.progress("    watch fan-out, backbone 1 to a watcher on backbone 2");
            EtcdMetrics.Scrape beforeFanout = metrics.scrape();
            Fanout fanout = fanout(first, watcher);
            double fanoutFsyncMillis = metrics.scrape().meanFsyncSecondsSince(beforeFanout) * 1e3;
            BenchmarkRunner.progress("    etcd writes at two heartbeat rates");
            List<WriteWindow> writes = new ArrayList<>();
            for (int factor : new int[] {1, FAST_HEARTBEAT_FACTOR}) {
                driver.rate(settings.heartbeatsPerSecond() * factor);
                writes.add(writeWindow(driver));
            }
            driver.rate(settings.heartbeatsPerSecond());
            BenchmarkRunner.progress("    lookups against 1.." + backbones.size() + " backbones");
            List<LookupRow> lookups = new ArrayList<>();
            for (int count = 1; count <= backbones.size(); count++) {
                lookups.add(lookups(lookupClients.subList(0, count)));
            }
            return new Result(settings, etcdVersion, Math.round((System.nanoTime() - start) / 1e9), registering,
                    held.stop(), n + REAL_AGENTS,
                    driver.refused(DirectoryError.NOT_REGISTERED) - refusedWhileRegistering, refusedWhileRegistering,
                    Samples.of(fanout.eventNanos), Samples.of(fanout.replyNanos), fanout.lost, fanoutFsyncMillis, writes,
                    lookups, heapBefore, heapAfter, lookupFailures.sum(),
                    metrics.scrape().since(atStart, EtcdMetrics.LEASE_RENEWALS));
        } finally {
            held.stop();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Registering

    private Registering register(AtomicIntegerArray registered) throws InterruptedException {
        int n = settings.agents();
        ExecutorService pool = Executors.newFixedThreadPool(settings.registrationThreads(),
                new DefaultThreadFactory("bench-register", true));
        LongAdder failures = new LongAdder();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        long phaseStart = System.nanoTime();
        EtcdMetrics.Scrape before = metrics.scrape();
        long jvmCpuBefore = ThreadCpu.processCpuNanos();
        long etcdCpuBefore = etcdCpuNanos();
        long acknowledgedNanos = 0;
        try {
            for (int from = 0; from < n; from += CHUNK) {
                int to = Math.min(n, from + CHUNK);
                IncomingMessage[] requests = IntStream.range(from, to).parallel()
                        .mapToObj(i -> agents.register(agents.identity(i), i, InProcessDirectoryBenchmark.hostname(i),
                                InProcessDirectoryBenchmark.capability(i)))
                        .toArray(IncomingMessage[]::new);
                CountDownLatch done = new CountDownLatch(requests.length);
                long start = System.nanoTime();
                for (int k = 0; k < requests.length; k++) {
                    int agent = from + k;
                    IncomingMessage request = requests[k];
                    pool.execute(() -> {
                        try {
                            DirectoryProtocol.readReply(backboneOf(agent).handle(request));
                            registered.set(agent, 1);
                        } catch (RuntimeException e) {
                            failures.increment();
                            firstFailure.compareAndSet(null, e.toString());
                        } finally {
                            done.countDown();
                        }
                    });
                }
                if (!done.await(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("registrations still running after 5 minutes");
                }
                acknowledgedNanos += System.nanoTime() - start;
            }
        } finally {
            pool.shutdownNow();
        }
        EtcdMetrics.Scrape after = metrics.scrape();
        long replicationStart = System.nanoTime();
        awaitEveryBackboneHolds(n + REAL_AGENTS - (int) failures.sum(), Duration.ofMinutes(2));
        long replicatedNanos = acknowledgedNanos + System.nanoTime() - replicationStart;
        // CPU over the whole phase, preparing the signed requests between chunks included.
        double wall = System.nanoTime() - phaseStart;
        return new Registering(n, acknowledgedNanos / 1e9, replicatedNanos / 1e9,
                after.since(before, EtcdMetrics.PROPOSALS), after.since(before, EtcdMetrics.TXNS), failures.sum(),
                firstFailure.get(), after.since(before, EtcdMetrics.WAL_FSYNCS),
                after.meanFsyncSecondsSince(before) * 1e3, (ThreadCpu.processCpuNanos() - jvmCpuBefore) / wall,
                (etcdCpuNanos() - etcdCpuBefore) / wall);
    }

    private RealmBackbone backboneOf(int agent) {
        return backbones.get(agent % backbones.size());
    }

    private void awaitEveryBackboneHolds(int records, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (backbones.stream().anyMatch(b -> b.registrations() != records)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the backbones hold " + backbones.stream()
                        .map(b -> String.valueOf(b.registrations())).toList() + " records, not " + records + " each, "
                        + timeout.toSeconds() + " s on");
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    /** Samples the fewest records any backbone holds, every 100 ms, until stopped. */
    private final class HeldSampler {
        private final AtomicInteger min = new AtomicInteger(Integer.MAX_VALUE);
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread = new Thread(this::sample, "bench-held");

        HeldSampler() {
            thread.setDaemon(true);
            thread.start();
        }

        private void sample() {
            while (running.get()) {
                int fewest = backbones.stream().mapToInt(RealmBackbone::registrations).min().orElse(0);
                min.accumulateAndGet(fewest, Math::min);
                try {
                    TimeUnit.MILLISECONDS.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        int stop() throws InterruptedException {
            running.set(false);
            thread.interrupt();
            thread.join();
            return min.get();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Watch fan-out

    private record Fanout(long[] eventNanos, long[] replyNanos, int lost) {
    }

    /**
     * Registers fresh agents through {@code through} one at a time, each announcing {@link #FANOUT_CAPABILITY},
     * and times the event at {@code watcher}'s listener; then deregisters them (so that their leases do not lapse
     * into the write windows).
     */
    private Fanout fanout(RealmBackbone through, DirectoryClient watcher) throws InterruptedException {
        Map<String, CompletableFuture<Long>> joined = new ConcurrentHashMap<>();
        watcher.watch(Query.CAPABILITY, FANOUT_CAPABILITY, new DirectoryClient.WatchListener() {
            @Override
            public void joined(NodeRecord record) {
                long now = System.nanoTime();
                joined.computeIfAbsent(record.hostname(), h -> new CompletableFuture<>()).complete(now);
            }

            @Override
            public void updated(NodeRecord record) {
            }

            @Override
            public void left(NodeRecord record) {
            }
        }).join();
        int samples = settings.fanoutSamples();
        long[] events = new long[samples];
        long[] replies = new long[samples];
        List<NodeKey> keys = new ArrayList<>();
        int measured = 0;
        int lost = 0;
        for (int s = 0; s < samples; s++) {
            int agent = settings.agents() + s;
            Identity identity = agents.identity(agent);
            String hostname = String.format(Locale.ROOT, "fanout-%05d", s);
            IncomingMessage request = agents.register(identity, agent, hostname, FANOUT_CAPABILITY);
            CompletableFuture<Long> event = joined.computeIfAbsent(hostname, h -> new CompletableFuture<>());
            long start = System.nanoTime();
            DirectoryProtocol.readReply(through.handle(request));
            long replied = System.nanoTime();
            keys.add(identity.publicKey());
            try {
                long arrived = event.get(10, TimeUnit.SECONDS);
                events[measured] = arrived - start;
                replies[measured] = replied - start;
                measured++;
            } catch (TimeoutException | ExecutionException e) {
                lost++;
            }
        }
        for (NodeKey key : keys) {
            DirectoryProtocol.readReply(through.handle(agents.deregister(key)));
        }
        awaitEveryBackboneHolds(settings.agents() + REAL_AGENTS, Duration.ofSeconds(30));
        return new Fanout(Arrays.copyOf(events, measured), Arrays.copyOf(replies, measured), lost);
    }

    // ---------------------------------------------------------------------------------------------
    // etcd writes

    private WriteWindow writeWindow(HeartbeatDriver driver) throws InterruptedException {
        TimeUnit.SECONDS.sleep(1); // the driver settles at its new pace
        EtcdMetrics.Scrape before = metrics.scrape();
        long beatsBefore = driver.sent();
        TimeUnit.NANOSECONDS.sleep(settings.writeWindow().toNanos());
        EtcdMetrics.Scrape after = metrics.scrape();
        double seconds = (after.nanos() - before.nanos()) / 1e9;
        return new WriteWindow((driver.sent() - beatsBefore) / seconds,
                after.perSecondSince(before, EtcdMetrics.PROPOSALS), after.perSecondSince(before, EtcdMetrics.TXNS),
                after.perSecondSince(before, EtcdMetrics.PUTS), after.perSecondSince(before, EtcdMetrics.DELETES),
                after.perSecondSince(before, EtcdMetrics.LEASE_RENEWALS),
                after.perSecondSince(before, EtcdMetrics.WAL_FSYNCS));
    }

    // ---------------------------------------------------------------------------------------------
    // Lookups over real sessions

    /** {@link #CLIENTS_PER_BACKBONE} nodes per backbone, each with a session to that backbone only. */
    private List<List<PilotNode>> lookupClients() {
        List<List<PilotNode>> perBackbone = new ArrayList<>();
        for (RealmBackbone backbone : backbones) {
            List<PilotNode> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS_PER_BACKBONE; i++) {
                PilotNode node = PilotPair.node().build().start();
                closeables.add(node);
                node.connect(backbone.node().publicKey(), backbone.node().localEndpoint()).join();
                clients.add(node);
            }
            perBackbone.add(clients);
        }
        return perBackbone;
    }

    private LookupRow lookups(List<List<PilotNode>> clients) throws InterruptedException {
        byte[][] requests = new byte[Math.min(LOOKUP_SAMPLE, settings.agents())][];
        for (int i = 0; i < requests.length; i++) {
            int agent = ThreadLocalRandom.current().nextInt(settings.agents());
            String hostname = InProcessDirectoryBenchmark.hostname(agent);
            requests[i] = new BinaryWriter().u8(DirectoryProtocol.OP_LOOKUP).u8(Query.HOSTNAME.ordinal())
                    .string8(hostname).toBytes();
        }
        int iterations = settings.lookupIterations();
        double[] totals = new double[iterations];
        double[][] perBackbone = new double[clients.size()][iterations];
        double[] jvmCores = new double[iterations];
        double[] etcdCores = new double[iterations];
        for (int iteration = -1; iteration < iterations; iteration++) {
            LookupWindow window = lookupWindow(clients, requests);
            if (iteration >= 0) {
                totals[iteration] = window.total();
                for (int b = 0; b < clients.size(); b++) {
                    perBackbone[b][iteration] = window.perBackbone()[b];
                }
                jvmCores[iteration] = window.jvmCores();
                etcdCores[iteration] = window.etcdCores();
            }
        }
        double[] medians = new double[clients.size()];
        for (int b = 0; b < clients.size(); b++) {
            medians[b] = Samples.of(perBackbone[b]).median();
        }
        return new LookupRow(clients.size(), Samples.of(totals), medians, Samples.of(jvmCores).median(),
                Samples.of(etcdCores).median());
    }

    private record LookupWindow(double total, double[] perBackbone, double jvmCores, double etcdCores) {
    }

    /** {@link #DEPTH} lookups in flight per client, a tenth of a window to warm up, then one window counted. */
    private LookupWindow lookupWindow(List<List<PilotNode>> clients, byte[][] requests) throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder[] completed = Stream.generate(LongAdder::new).limit(clients.size()).toArray(LongAdder[]::new);
        int lanes = clients.stream().mapToInt(List::size).sum() * DEPTH;
        CountDownLatch drained = new CountDownLatch(lanes);
        for (int b = 0; b < clients.size(); b++) {
            for (PilotNode client : clients.get(b)) {
                PilotSocketAddress directory = new PilotSocketAddress(backbones.get(b).node().address(),
                        DirectoryProtocol.PORT);
                for (int d = 0; d < DEPTH; d++) {
                    lookup(client, directory, requests, completed[b], running, drained);
                }
            }
        }
        long windowNanos = settings.lookupWindow().toNanos();
        TimeUnit.NANOSECONDS.sleep(windowNanos / 10);
        long[] before = new long[clients.size()];
        for (int b = 0; b < before.length; b++) {
            before[b] = completed[b].sum();
        }
        long cpuBefore = ThreadCpu.processCpuNanos();
        long etcdBefore = etcdCpuNanos();
        long start = System.nanoTime();
        TimeUnit.NANOSECONDS.sleep(windowNanos);
        long elapsed = System.nanoTime() - start;
        double[] perBackbone = new double[clients.size()];
        double total = 0;
        for (int b = 0; b < before.length; b++) {
            perBackbone[b] = (completed[b].sum() - before[b]) / (elapsed / 1e9);
            total += perBackbone[b];
        }
        double jvmCores = (double) (ThreadCpu.processCpuNanos() - cpuBefore) / elapsed;
        double etcdCores = (double) (etcdCpuNanos() - etcdBefore) / elapsed;
        running.set(false);
        if (!drained.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("lookups still in flight 30 s after the window closed");
        }
        return new LookupWindow(total, perBackbone, jvmCores, etcdCores);
    }

    private void lookup(PilotNode client, PilotSocketAddress directory, byte[][] requests, LongAdder completed,
                        AtomicBoolean running, CountDownLatch drained) {
        byte[] request = requests[ThreadLocalRandom.current().nextInt(requests.length)];
        client.request(directory, Message.of(request)).whenComplete((reply, error) -> {
            boolean ok = error == null && foundOne(reply);
            if (ok) {
                completed.increment();
            } else {
                lookupFailures.increment();
            }
            if (ok && running.get()) {
                lookup(client, directory, requests, completed, running, drained);
            } else {
                drained.countDown();
            }
        });
    }

    private static boolean foundOne(Message reply) {
        try {
            return DirectoryProtocol.readReply(reply.body()).u32() == 1;
        } catch (DirectoryException e) {
            return false;
        }
    }

    private long etcdCpuNanos() {
        return ProcessHandle.of(etcd.pid()).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos)
                .orElse(0L);
    }

    // ---------------------------------------------------------------------------------------------

    /** A real agent: its own node, registered through {@code backbone} over a real session. */
    private DirectoryClient realAgent(RealmBackbone backbone, String hostname) {
        PilotNode node = PilotPair.node().build().start();
        closeables.add(node);
        DirectoryClient client = DirectoryClient.builder(node)
                .backbone(backbone.node().localEndpoint(), backbone.node().publicKey())
                .hostname(hostname).group("bench").requestTimeout(Duration.ofSeconds(15)).build();
        closeables.add(0, client);
        client.start().join();
        return client;
    }

    private void closeAll() {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // best effort: what remains is closed next
            }
        }
        closeables.clear();
        backbones.clear();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind
        }
    }
}

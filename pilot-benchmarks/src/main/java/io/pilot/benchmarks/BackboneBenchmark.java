package io.pilot.benchmarks;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.message.Message;
import java.util.IdentityHashMap;
import java.util.stream.IntStream;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * Section 5: one backbone on this machine, reached by real agents over real loopback sessions, plus its
 * directory driven in-process ({@link InProcessDirectoryBenchmark}) for what a few hundred real nodes cannot
 * show.
 *
 * <p>Every agent is a real {@link PilotNode} with its own identity, UDP socket and event loop, registered by
 * its own {@link DirectoryClient}: the backbone binds a registration to the session key it arrives on, so N
 * records need N identities with N sessions and cannot be multiplexed over a few nodes. A node costs threads
 * (its event loop, the directory client's timer, a callback thread), which bounds how many one JVM on two
 * cores can run; the profile says how many this run started.
 *
 * <p>In running order:
 * <ol>
 *   <li>{@code start()} of one fresh agent at a time: Noise handshake with the backbone, then the signed
 *       register request and its reply; then the same on nodes whose session with the backbone was set up
 *       before the clock, which leaves the register round trip alone.</li>
 *   <li>A burst of fresh agents (nodes started before the clock), at most {@link #CONCURRENCY} at a time: for
 *       each, the clock runs from its {@code start()} call until another node's {@code lookup(hostname)} of it
 *       succeeded, issued as soon as {@code start()} completed.</li>
 *   <li>Every agent registered so far is held for a few leases while its directory client heartbeats (at a
 *       third of the lease, as it does by default), under a lease made short for the purpose.</li>
 *   <li>Closed-loop load from {@link #LOAD_NODES} registered nodes, {@link #DEPTH} requests in flight each:
 *       lookups by hostname and by capability through {@code DirectoryClient} (which verifies the signature of
 *       every record it receives), the same lookups as raw directory requests whose reply is only checked
 *       for status and count, and raw heartbeats; and raw lookups by hostname from {@link #GENERATORS}
 *       {@link LookupLoadGenerator} processes, so that no client node in this JVM shares the cores with the
 *       backbone for that row. The contenders take turns window by window.</li>
 * </ol>
 */
public final class BackboneBenchmark {

    /** Registrations in flight at once during the burst. */
    public static final int CONCURRENCY = 32;

    /** Nodes that generate lookup and heartbeat load. */
    public static final int LOAD_NODES = 4;

    /** Requests each load node keeps in flight. */
    public static final int DEPTH = 32;

    /** Socket buffers of the agent nodes: a directory client never has much in flight. */
    private static final int AGENT_SOCKET_BUFFER = 256 * 1024;

    /** Lookup-load processes ({@link LookupLoadGenerator}), their sessions each and lookups in flight per session. */
    static final int GENERATORS = 2;
    static final int GENERATOR_SESSIONS = 4;
    static final int GENERATOR_DEPTH = 16;
    /** Windows' worth of lookups the generators run, unmeasured, before the first window: their JIT warm-up. */
    static final int GENERATOR_WARMUP_WINDOWS = 5;

    /** The load windows, in the order they take turns. */
    public enum Load {
        LOOKUP_HOSTNAME_CLIENT("`DirectoryClient.lookup(hostname)`, record verified", "client lookup"),
        FIND_CAPABILITY_CLIENT("`DirectoryClient.find(capability)`, record verified", "client find"),
        LOOKUP_HOSTNAME_RAW("raw lookup by hostname, reply not verified", "raw by hostname"),
        LOOKUP_CAPABILITY_RAW("raw lookup by capability, reply not verified", "raw by capability"),
        HEARTBEAT_RAW("raw heartbeat (what `DirectoryClient` sends every lease/3)", "raw heartbeat"),
        LOOKUP_HOSTNAME_GENERATORS("raw lookup by hostname from " + GENERATORS + " `LookupLoadGenerator` processes ("
                + GENERATOR_SESSIONS + " `LightSession`s × " + GENERATOR_DEPTH + " in flight each), reply not verified",
                "generators: raw by hostname");

        private final String label;
        private final String shortLabel;

        Load(String label, String shortLabel) {
            this.label = label;
            this.shortLabel = shortLabel;
        }

        public String label() {
            return label;
        }

        public String shortLabel() {
            return shortLabel;
        }
    }

    /**
     * @param perSecond completed requests per second, one value per measured window
     * @param cpuCores CPU time the whole JVM used per wall-clock second during the windows (median)
     * @param backboneCores CPU time of the backbone's event loop and handler pool per wall-clock second (median)
     * @param backboneMicros backbone CPU per completed request, microseconds (median over windows)
     * @param lastWindowCores cores used by each thread group during the last measured window
     * @param generators the generator processes' side of the load, for the row they drive (null for the others)
     */
    public record LoadResult(Samples perSecond, double cpuCores, double backboneCores, double backboneMicros,
                             Map<ThreadCpu.Group, Double> lastWindowCores, GeneratorCost generators) {

        /**
         * Requests per second if the backbone had the machine's cores to itself at its measured cost per
         * request: an extrapolation, not a measurement.
         */
        public double backboneAloneCeiling(int cores) {
            return cores * 1e6 / backboneMicros;
        }
    }

    /**
     * What the lookups of the {@link LookupLoadGenerator} processes cost them, and how many shared a datagram
     * (medians over the windows): the more lookups a datagram carries, the fewer seals, opens, acknowledgements and
     * system calls each pays, on both sides.
     *
     * @param micros CPU time of the generator processes (all their threads) per lookup answered, microseconds
     * @param lookupsPerDatagramOut lookups answered per datagram the generators sent (requests and their ACKs)
     * @param lookupsPerDatagramIn lookups answered per datagram the generators received (replies and ACKs)
     */
    public record GeneratorCost(double micros, double lookupsPerDatagramOut, double lookupsPerDatagramIn) {
    }

    /**
     * @param leaseTtl the lease the backbone ran with for this section
     * @param held how long the agents were held
     * @param registered registrations the backbone should hold (every agent started, load nodes included)
     * @param minHeld fewest registrations seen, sampled every 20 ms
     * @param lapsed heartbeats refused because a lease had already lapsed, during the hold
     * @param backboneSessions sessions the backbone had established at the hold's end
     * @param cpuCores CPU time the whole JVM used per wall-clock second while holding
     * @param threads live JVM threads while holding
     * @param cores cores used by each thread group while holding
     */
    public record Hold(Duration leaseTtl, Duration held, int registered, int minHeld, long lapsed,
                       int backboneSessions, double cpuCores, int threads, Map<ThreadCpu.Group, Double> cores) {

        /** Heartbeats per second the agents send: one per agent every third of the lease. */
        public double heartbeatsPerSecond() {
            return registered / (leaseTtl.toMillis() / 3 / 1000.0);
        }

        /**
         * Backbone CPU per heartbeat while holding, microseconds: every heartbeat arrives alone on its own
         * session (no batching), and the sessions' idle upkeep (timer ticks, keepalives) is charged to it too.
         */
        public double backboneMicrosPerHeartbeat() {
            return cores.get(ThreadCpu.Group.BACKBONE) * 1e6 / heartbeatsPerSecond();
        }
    }

    /**
     * @param sequentialStartNanos {@code start()} of a fresh agent, one at a time: handshake and registration
     * @param registerOnlyNanos {@code start()} of an agent whose session with the backbone was already up
     * @param burstAgents fresh agents in the burst
     * @param registrationsPerSecond burst agents divided by the time from the first {@code start()} call to the
     *                               last agent being found by lookup
     * @param discoverableNanos per burst agent: {@code start()} call to a successful {@code lookup} by another node
     * @param hold the hold with heartbeats
     * @param loads closed-loop request rates
     * @param failures requests or registrations that failed, over the whole section (should be none)
     * @param refusals directory refusals the backbone counted, by error, over the whole section
     * @param inProcess the directory driven in-process
     */
    public record Result(Samples sequentialStartNanos, Samples registerOnlyNanos, int burstAgents,
                         double registrationsPerSecond, Samples discoverableNanos, Hold hold,
                         Map<Load, LoadResult> loads, long failures, Map<DirectoryError, Long> refusals,
                         InProcessDirectoryBenchmark.Result inProcess) {
    }

    private final List<DirectoryClient> clients = Collections.synchronizedList(new ArrayList<>());
    private final List<PilotNode> nodes = Collections.synchronizedList(new ArrayList<>());
    private final Map<DirectoryClient, String> hostnames = Collections.synchronizedMap(new IdentityHashMap<>());
    private final LongAdder failures = new LongAdder();
    private PilotNode backboneNode;
    private ThreadCpu threadCpu;
    private int nextAgent;

    public Result run(RunProfile profile) throws InterruptedException {
        Result network;
        Set<Long> loopsBefore = ThreadCpu.eventLoops();
        backboneNode = PilotPair.node().sessionSettings(HandshakeRateBenchmark.LIMITS).build().start();
        try {
            threadCpu = ThreadCpu.withBackboneLoop(loopsBefore, ThreadCpu.eventLoops());
            Backbone backbone = Backbone.start(backboneNode,
                    BackboneSettings.DEFAULTS.withLeaseTtl(profile.backboneLeaseTtl()), DirectoryStore.none());
            try {
                network = measureNetwork(profile, backbone);
            } finally {
                closeAll(); // agents deregister while the backbone still answers
                backbone.close();
            }
        } finally {
            backboneNode.close();
        }
        PilotNode stand = PilotPair.node().build().start();
        try {
            InProcessDirectoryBenchmark.Result inProcess = new InProcessDirectoryBenchmark(stand,
                    profile.backboneRecords(), profile.backboneWindow()).run();
            return new Result(network.sequentialStartNanos(), network.registerOnlyNanos(), network.burstAgents(),
                    network.registrationsPerSecond(), network.discoverableNanos(), network.hold(), network.loads(),
                    network.failures(), network.refusals(), inProcess);
        } finally {
            stand.close();
        }
    }

    private Result measureNetwork(RunProfile profile, Backbone backbone) throws InterruptedException {
        DirectoryClient observer = startedAgent("observer");

        // Warm-up: a burst a fifth the size of the measured one, figures discarded.
        burst(startNodes(Math.max(1, profile.backboneAgents() / 5)), observer);

        int sequential = profile.backboneSequential();
        long[] fresh = new long[sequential];
        for (int i = 0; i < sequential; i++) {
            DirectoryClient client = client(agentNode());
            long start = System.nanoTime();
            client.start().join();
            fresh[i] = System.nanoTime() - start;
        }
        long[] registerOnly = new long[sequential];
        for (int i = 0; i < sequential; i++) {
            PilotNode node = agentNode();
            node.connect(backboneNode.publicKey(), backboneNode.localEndpoint()).join();
            DirectoryClient client = client(node);
            long start = System.nanoTime();
            client.start().join();
            registerOnly[i] = System.nanoTime() - start;
        }

        List<PilotNode> burstNodes = startNodes(profile.backboneAgents());
        int firstBurstAgent = nextAgent;
        Burst burst = burst(burstNodes, observer);

        List<DirectoryClient> load = new ArrayList<>();
        for (int i = 0; i < LOAD_NODES; i++) {
            load.add(startedAgent("load-" + i));
        }

        Hold hold = hold(profile, backbone);
        int agents = burstNodes.size();
        List<LookupGenerator> generators = new ArrayList<>();
        for (int g = 0; g < GENERATORS; g++) {
            generators.add(LookupGenerator.start(backboneNode, g, hostnamesOf(firstBurstAgent, agents, 64 * (g + 1)), profile.backboneLeaseTtl()));
        }
        // The generators are fresh JVMs: their load loop runs interpreted, then C1-compiled, for seconds (measured here:
        // 10 to 90 us of generator CPU per lookup before C2, under 2 us after), while the nodes in this JVM were warmed
        // by the burst and the hold. Their warm-up is their own, as the nodes' start-up is theirs.
        generatorWindow(generators, profile.backboneWindow().multipliedBy(GENERATOR_WARMUP_WINDOWS));

        byte[][] byHostname = new byte[agents][];
        byte[][] byCapability = new byte[agents][];
        for (int i = 0; i < agents; i++) {
            byHostname[i] = lookupRequest(Query.HOSTNAME, hostname(firstBurstAgent + i));
            byCapability[i] = lookupRequest(Query.CAPABILITY, capability(firstBurstAgent + i));
        }
        byte[] heartbeat = new BinaryWriter().u8(DirectoryProtocol.OP_HEARTBEAT).toBytes();
        Map<Load, double[]> rates = new EnumMap<>(Load.class);
        Map<Load, double[]> cpu = new EnumMap<>(Load.class);
        Map<Load, double[]> backboneCpu = new EnumMap<>(Load.class);
        Map<Load, double[]> backboneMicros = new EnumMap<>(Load.class);
        double[][] generatorCost = new double[3][profile.backboneIterations()];
        Map<Load, Map<ThreadCpu.Group, Double>> lastWindow = new EnumMap<>(Load.class);
        int iterations = profile.backboneIterations();
        for (Load kind : Load.values()) {
            rates.put(kind, new double[iterations]);
            cpu.put(kind, new double[iterations]);
            backboneCpu.put(kind, new double[iterations]);
            backboneMicros.put(kind, new double[iterations]);
        }
        for (int iteration = -1; iteration < iterations; iteration++) {
            for (Load kind : Load.values()) {
                IntFunction<CompletableFuture<?>> call = switch (kind) {
                    case LOOKUP_HOSTNAME_CLIENT -> lane -> load.get(lane)
                            .lookup(hostname(firstBurstAgent + random(agents)));
                    case FIND_CAPABILITY_CLIENT -> lane -> load.get(lane)
                            .find(capability(firstBurstAgent + random(agents)))
                            .thenAccept(found -> expectOne(found.size()));
                    case LOOKUP_HOSTNAME_RAW -> lane -> raw(load.get(lane), byHostname[random(agents)])
                            .thenAccept(reply -> expectOne(reply.u32()));
                    case LOOKUP_CAPABILITY_RAW -> lane -> raw(load.get(lane), byCapability[random(agents)])
                            .thenAccept(reply -> expectOne(reply.u32()));
                    case HEARTBEAT_RAW -> lane -> raw(load.get(lane), heartbeat);
                    case LOOKUP_HOSTNAME_GENERATORS -> null;
                };
                Window window = call == null ? generatorWindow(generators, profile.backboneWindow())
                        : closedLoop(load.size(), call, profile.backboneWindow());
                if (iteration >= 0) {
                    rates.get(kind)[iteration] = window.perSecond();
                    cpu.get(kind)[iteration] = window.cores();
                    backboneCpu.get(kind)[iteration] = window.backboneCores();
                    backboneMicros.get(kind)[iteration] = window.backboneCores() / window.perSecond() * 1e6;
                    lastWindow.put(kind, window.groups());
                    if (window.generators() != null) {
                        generatorCost[0][iteration] = window.generators().micros();
                        generatorCost[1][iteration] = window.generators().lookupsPerDatagramOut();
                        generatorCost[2][iteration] = window.generators().lookupsPerDatagramIn();
                    }
                }
            }
        }
        generators.forEach(LookupGenerator::close);
        Map<Load, LoadResult> loads = new EnumMap<>(Load.class);
        GeneratorCost generatorMedians = new GeneratorCost(Samples.of(generatorCost[0]).median(),
                Samples.of(generatorCost[1]).median(), Samples.of(generatorCost[2]).median());
        rates.forEach((kind, values) -> loads.put(kind, new LoadResult(Samples.of(values),
                Samples.of(cpu.get(kind)).median(), Samples.of(backboneCpu.get(kind)).median(),
                Samples.of(backboneMicros.get(kind)).median(), lastWindow.get(kind),
                kind == Load.LOOKUP_HOSTNAME_GENERATORS ? generatorMedians : null)));
        return new Result(Samples.of(fresh), Samples.of(registerOnly), agents, burst.perSecond,
                Samples.of(burst.latencies), hold, loads, failures.sum(), backbone.refusals(), null);
    }

    private record Burst(double perSecond, long[] latencies) {
    }

    /** Registers every node at most {@link #CONCURRENCY} at a time, each found by the observer once registered. */
    private Burst burst(List<PilotNode> burstNodes, DirectoryClient observer) throws InterruptedException {
        List<DirectoryClient> burstClients = new ArrayList<>();
        for (PilotNode node : burstNodes) {
            burstClients.add(client(node));
        }
        Semaphore inFlight = new Semaphore(CONCURRENCY);
        long[] latencies = new long[burstClients.size()];
        CountDownLatch done = new CountDownLatch(burstClients.size());
        long start = System.nanoTime();
        for (int i = 0; i < burstClients.size(); i++) {
            DirectoryClient client = burstClients.get(i);
            String hostname = hostnames.get(client);
            int index = i;
            inFlight.acquire();
            long begun = System.nanoTime();
            client.start().thenCompose(record -> observer.lookup(hostname)).whenComplete((found, error) -> {
                if (error != null) {
                    failures.increment();
                }
                latencies[index] = System.nanoTime() - begun;
                inFlight.release();
                done.countDown();
            });
        }
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("only " + (burstClients.size() - done.getCount()) + " of "
                    + burstClients.size() + " agents registered within 60 s");
        }
        return new Burst(burstClients.size() / ((System.nanoTime() - start) / 1e9), latencies);
    }

    private Hold hold(RunProfile profile, Backbone backbone) throws InterruptedException {
        int registered = clients.size();
        long lapsedBefore = backbone.refusals().getOrDefault(DirectoryError.NOT_REGISTERED, 0L);
        int min = Integer.MAX_VALUE;
        long cpuStart = cpuNanos();
        ThreadCpu.Mark mark = threadCpu.mark();
        long start = System.nanoTime();
        long end = start + profile.backboneHold().toNanos();
        while (System.nanoTime() < end) {
            min = Math.min(min, backbone.registrations());
            TimeUnit.MILLISECONDS.sleep(20);
        }
        double cores = (double) (cpuNanos() - cpuStart) / (System.nanoTime() - start);
        Map<ThreadCpu.Group, Double> groups = threadCpu.coresSince(mark);
        long lapsed = backbone.refusals().getOrDefault(DirectoryError.NOT_REGISTERED, 0L) - lapsedBefore;
        return new Hold(profile.backboneLeaseTtl(), profile.backboneHold(), registered, min, lapsed,
                backboneNode.stats().sessions(), cores, ManagementFactory.getThreadMXBean().getThreadCount(), groups);
    }

    /** One load window: requests per second, and CPU time per second of the whole JVM and of the backbone. */
    private record Window(double perSecond, double cores, double backboneCores, Map<ThreadCpu.Group, Double> groups,
                          GeneratorCost generators) {
    }

    /**
     * Keeps {@link #DEPTH} calls in flight per lane for a tenth of a window (warm-up), then counts the calls that
     * complete within one window.
     */
    private Window closedLoop(int lanes, IntFunction<CompletableFuture<?>> call, Duration window)
            throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder completed = new LongAdder();
        CountDownLatch drained = new CountDownLatch(lanes * DEPTH);
        for (int lane = 0; lane < lanes; lane++) {
            for (int d = 0; d < DEPTH; d++) {
                fire(lane, call, running, completed, drained);
            }
        }
        TimeUnit.NANOSECONDS.sleep(window.toNanos() / 10);
        long before = completed.sum();
        long cpuBefore = cpuNanos();
        ThreadCpu.Mark mark = threadCpu.mark();
        long start = System.nanoTime();
        TimeUnit.NANOSECONDS.sleep(window.toNanos());
        long count = completed.sum() - before;
        long elapsed = System.nanoTime() - start;
        double cores = (double) (cpuNanos() - cpuBefore) / elapsed;
        Map<ThreadCpu.Group, Double> groups = threadCpu.coresSince(mark);
        running.set(false);
        if (!drained.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("requests still in flight 30 s after the window closed");
        }
        return new Window(count / (elapsed / 1e9), cores, groups.get(ThreadCpu.Group.BACKBONE), groups, null);
    }

    /**
     * The generators keep their lookups in flight for a tenth of a window (warm-up), then the lookups they count
     * as answered within one window are the rate; the backbone's CPU is its threads' in this JVM, as for the others.
     */
    private Window generatorWindow(List<LookupGenerator> generators, Duration window) throws InterruptedException {
        generators.forEach(g -> g.command("run"));
        TimeUnit.NANOSECONDS.sleep(window.toNanos() / 10);
        LookupGenerator.Totals before = LookupGenerator.Totals.of(generators);
        long cpuBefore = cpuNanos();
        ThreadCpu.Mark mark = threadCpu.mark();
        long start = System.nanoTime();
        TimeUnit.NANOSECONDS.sleep(window.toNanos());
        LookupGenerator.Totals done = LookupGenerator.Totals.of(generators).since(before);
        long count = done.lookups();
        long elapsed = System.nanoTime() - start;
        double cores = (double) (cpuNanos() - cpuBefore) / elapsed;
        Map<ThreadCpu.Group, Double> groups = threadCpu.coresSince(mark);
        generators.forEach(g -> g.command("pause"));
        TimeUnit.MILLISECONDS.sleep(200); // the lookups in flight drain before the next load's window
        long failed = generators.stream().mapToLong(LookupGenerator::failed).sum();
        if (failed > 0) {
            failures.add(failed);
            throw new IllegalStateException(failed + " lookup-load sessions failed: " + generators.stream()
                    .map(LookupGenerator::error).filter(Objects::nonNull).findFirst().orElse("no reason given"));
        }
        GeneratorCost cost = new GeneratorCost(done.cpuNanos() / 1e3 / count, (double) count / done.datagramsOut(),
                (double) count / done.datagramsIn());
        return new Window(count / (elapsed / 1e9), cores, groups.get(ThreadCpu.Group.BACKBONE), groups, cost);
    }

    /** {@code count} hostnames of the burst's agents, each found by one lookup, starting at a different one per generator. */
    private static List<String> hostnamesOf(int firstAgent, int agents, int offset) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < Math.min(64, agents); i++) {
            names.add(hostname(firstAgent + (offset + i) % agents));
        }
        return names;
    }

    private void fire(int lane, IntFunction<CompletableFuture<?>> call, AtomicBoolean running, LongAdder completed,
                      CountDownLatch drained) {
        CompletableFuture<?> future;
        try {
            future = call.apply(lane);
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        future.whenComplete((ok, error) -> {
            if (error != null) {
                failures.increment();
            } else {
                completed.increment();
            }
            if (running.get() && error == null) {
                fire(lane, call, running, completed, drained);
            } else {
                drained.countDown();
            }
        });
    }

    private CompletableFuture<BinaryReader> raw(DirectoryClient from, byte[] request) {
        return from.node().request(new PilotSocketAddress(backboneNode.address(), DirectoryProtocol.PORT),
                Message.of(request)).thenApply(reply -> DirectoryProtocol.readReply(reply.body()));
    }

    private static void expectOne(long found) {
        if (found != 1) {
            throw new IllegalStateException("a lookup found " + found + " records, not 1");
        }
    }

    private static byte[] lookupRequest(Query query, String value) {
        return new BinaryWriter().u8(DirectoryProtocol.OP_LOOKUP).u8(query.ordinal()).string8(value).toBytes();
    }

    private static int random(int bound) {
        return ThreadLocalRandom.current().nextInt(bound);
    }

    // ---------------------------------------------------------------------------------------------
    // The fleet

    private PilotNode agentNode() {
        PilotNode node = PilotPair.node().socketBufferBytes(AGENT_SOCKET_BUFFER).build().start();
        nodes.add(node);
        return node;
    }

    /** Starts {@code count} agent nodes on both cores (not yet registered). */
    private List<PilotNode> startNodes(int count) {
        List<PilotNode> started = Collections.synchronizedList(new ArrayList<>());
        IntStream.range(0, count).parallel().forEach(i -> started.add(agentNode()));
        return new ArrayList<>(started);
    }

    /** A directory client for the next agent number, not started. */
    private DirectoryClient client(PilotNode node) {
        int agent;
        synchronized (this) {
            agent = nextAgent++;
        }
        return client(node, hostname(agent), capability(agent));
    }

    private DirectoryClient client(PilotNode node, String hostname, String capability) {
        DirectoryClient client = DirectoryClient.builder(node)
                .backbone(backboneNode.localEndpoint(), backboneNode.publicKey())
                .hostname(hostname).capability(capability).group("bench")
                .build();
        clients.add(client);
        hostnames.put(client, hostname);
        return client;
    }

    private DirectoryClient startedAgent(String hostname) {
        DirectoryClient client = client(agentNode(), "bench-" + hostname, "bench." + hostname);
        client.start().join();
        return client;
    }

    static String hostname(int agent) {
        return String.format(Locale.ROOT, "agent-%05d", agent);
    }

    static String capability(int agent) {
        return "bench.skill-" + agent;
    }

    private void closeAll() {
        List<DirectoryClient> allClients;
        synchronized (clients) {
            allClients = new ArrayList<>(clients);
        }
        allClients.parallelStream().forEach(DirectoryClient::close);
        List<PilotNode> allNodes;
        synchronized (nodes) {
            allNodes = new ArrayList<>(nodes);
        }
        allNodes.parallelStream().forEach(PilotNode::close);
    }

    private static long cpuNanos() {
        return ThreadCpu.processCpuNanos();
    }
}

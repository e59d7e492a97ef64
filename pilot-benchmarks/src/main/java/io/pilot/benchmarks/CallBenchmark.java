package io.pilot.benchmarks;

import io.pilot.engine.backbone.Backbone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;

/**
 * Section 7: a capability call between two Spring Boot processes with the starter, against plain HTTP/JSON between
 * the same two processes and NATS request-reply through a local {@code nats-server}, as a user would run them. The
 * bench app ({@code pilot-benchmarks-boot}) runs twice, as {@code java -jar}: a provider answering the same echo
 * three ways, and a caller that measures on this runner's orders. The backbone is the engine's {@link Backbone} in
 * this process, its key pinned by both apps, so that the runner can stop it.
 *
 * <p>In order: sequential latency (the three contenders in alternating blocks), calls per second with
 * {@code callInFlight} calls outstanding (alternating windows), a provider leaving while the caller calls (how long
 * until the caller stops choosing it), a provider joining beside the remaining one (how long until it is first
 * chosen), one of the two dying (SIGKILL: how long until the caller stops choosing it, how many calls failed or took
 * over a second), a provider joining when there is no other, and finally the caller's latency to its known provider
 * with the backbone up and stopped, in blocks taking turns.
 */
public final class CallBenchmark {

    static final String PILOT = "pilot";
    /** The same call to a capability that runs on the provider's event loop ({@code @Capability(eventLoop = true)}). */
    static final String PILOT_ON_LOOP = "pilot-on-loop";
    /**
     * The system property that sets the providers' reply coalescing window ({@code 0s} for none; unset, the node's
     * default), for comparing runs with and without it.
     */
    static final String REPLY_COALESCING_WINDOW = "bench.calls.reply-coalescing-window";
    static final String HTTP = "http";
    static final String NATS = "nats";

    private static final int BLOCKS = 10;
    /**
     * Windows per contender discarded before the calls-per-second rows, in turns as the measured ones. The JIT is
     * still compiling the 64-thread path well after the sequential rows and one window: on this 2-core machine the
     * first windows after that ran Pilot at a sixth to a half, and NATS at about three quarters, of the rate they
     * settled at two windows later, with several times the CPU per call (C2 compiling beside the calls).
     */
    static final int RATE_WARMUP_WINDOWS = 3;
    /** How long the caller keeps calling after a provider was stopped, for the trace to show the handover. */
    private static final Duration SETTLE = Duration.ofSeconds(2);
    /** Calls in a row the remaining provider answers before a handover counts as over. */
    private static final int SETTLED = 20;
    /** Longest wait for that: past the request timeout (30 s), which a call to a provider that died may wait out. */
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(45);
    /** Longest wait for a joining provider's first call. */
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);
    /** Pairs of blocks, backbone up and stopped, that the outage calls are measured in. */
    private static final int OUTAGE_BLOCKS = 4;
    /** From the backbone's stop to a down block: past the caller's 2 s of UDP silence, into its WebSocket retries. */
    private static final Duration OUTAGE_SETTLE = Duration.ofSeconds(3);
    /** Longest wait for the apps to register with the restarted backbone (their retries back off up to 30 s). */
    private static final Duration REREGISTER_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Sequential calls of one contender.
     *
     * @param nanos round trips of the successful calls as the calling thread saw them; null if none succeeded
     * @param failures calls that threw
     * @param firstError the first failure, null if none
     */
    public record Latency(Samples nanos, int failures, String firstError) {
    }

    /**
     * Calls per second of one contender, one figure per measured window.
     *
     * @param perSecond successful calls per second, per window
     * @param failures calls that threw, over every window
     * @param firstError the first failure, null if none
     * @param cpu CPU time per call of each process, over every measured window
     * @param udpDatagramsPerCall UDP datagrams the machine's kernel delivered per completed call over the measured
     *     windows (both ways, every process; {@link UdpDatagramCount}), or null where that count cannot be read
     */
    public record Rate(Samples perSecond, long failures, String firstError, CpuPerCall cpu, Double udpDatagramsPerCall) {
    }

    /**
     * CPU time per successful call of each process in the path, over the measured windows of a contender: what the
     * call costs, which the machine's load changes far less than calls per second. Each process's whole CPU time
     * (its JIT and GC, and in the caller its 64 calling threads) divided by the calls completed meanwhile.
     *
     * @param callerMicros the caller app
     * @param providerMicros the provider app
     * @param brokerMicros nats-server, for NATS; null for the contenders without a broker
     */
    public record CpuPerCall(double callerMicros, double providerMicros, Double brokerMicros) {

        /** Calls per second that this CPU allows on {@code cores} cores doing nothing else. */
        public double callsPerSecondOn(int cores) {
            return cores * 1e6 / totalMicros();
        }

        public double totalMicros() {
            return callerMicros + providerMicros + (brokerMicros == null ? 0 : brokerMicros);
        }
    }

    /**
     * @param pilot {@code pilotClient.call(...)} through the mesh
     * @param pilotOnLoop the same to the capability that runs on the provider's event loop
     * @param http {@code RestClient} to a {@code @RestController}
     * @param nats jnats request-reply through nats-server; null when {@code natsMissing} says why
     * @param natsMissing null, or why the NATS rows could not be measured
     * @param inFlight calls outstanding in the rate rows
     * @param backboneUp the caller to its known provider with the backbone up
     * @param backboneDown the same with the backbone stopped, within {@code outageBudget} per block, the blocks taking
     *                     turns with those of {@code backboneUp}
     * @param upCpuMicrosPerCall the caller process's CPU per call in the {@code backboneUp} blocks, microseconds
     * @param downCpuMicrosPerCall the same in the {@code backboneDown} blocks, its retries of the backbone included
     * @param leave a provider stopped (SIGTERM) while the caller calls
     * @param join a provider started while the caller, with no other provider, calls
     * @param joinBeside a provider started while the caller calls another: whether, and when, the newcomer is chosen
     * @param death a provider killed (SIGKILL) while the caller calls it and another; null if the newcomer beside was
     *              never chosen, so that no second provider was in use to fail over to
     */
    public record Result(Latency pilot, Latency pilotOnLoop, Latency http, Latency nats, Rate pilotRate,
                         Rate pilotOnLoopRate, Rate httpRate, Rate natsRate,
                         String natsMissing, int inFlight, Latency backboneUp, Latency backboneDown,
                         Duration outageBudget, double upCpuMicrosPerCall, double downCpuMicrosPerCall,
                         Handovers.Handover leave, Handovers.Handover join,
                         Handovers.Handover joinBeside, Handovers.Handover death) {
    }

    private final BenchAppLaunch launch;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    public CallBenchmark(BenchAppLaunch launch) {
        this.launch = launch;
    }

    public Result run(RunProfile profile) throws InterruptedException {
        Path dir = createRunDirectory();
        boolean completed = false;
        try {
            Result result = measure(profile, dir);
            completed = true;
            return result;
        } finally {
            closeAll();
            if (completed) {
                deleteRecursively(dir);
            } else {
                BenchmarkRunner.progress("    the apps' logs are kept in " + dir);
            }
        }
    }

    private Result measure(RunProfile profile, Path dir) throws InterruptedException {
        StoppableBackbone backbone = own(new StoppableBackbone());
        Map<String, String> mesh = Map.of(
                "pilot.backbone.address", "127.0.0.1:" + backbone.endpoint().getPort(),
                "pilot.backbone.key", backbone.publicKey().toString());

        Optional<Path> natsExecutable = NatsServer.find();
        String natsMissing = natsExecutable.isEmpty()
                ? NatsServer.EXECUTABLE + " is not installed (Debian: apt-get install nats-server)" : null;
        Map<String, String> providerSettings = new LinkedHashMap<>(mesh);
        NatsServer nats = natsExecutable.isPresent() ? own(NatsServer.start(natsExecutable.get(), dir)) : null;
        if (nats != null) {
            providerSettings.put("bench.nats-url", nats.url());
        }
        String window = System.getProperty(REPLY_COALESCING_WINDOW);
        if (window != null) {
            providerSettings.put("bench.reply-coalescing-window", window); // an A/B of the window, as its note in §7
        }

        BenchApp provider = own(BenchApp.start(launch, dir, "provider", "bench-provider", providerSettings));
        provider.awaitReady();
        Map<String, String> callerSettings = new LinkedHashMap<>(providerSettings);
        callerSettings.put("bench.provider-url", provider.baseUrl());
        BenchApp caller = own(BenchApp.start(launch, dir, "caller", "bench-caller", callerSettings));
        caller.awaitReady();
        List<String> kinds = natsMissing == null ? List.of(PILOT, PILOT_ON_LOOP, HTTP, NATS)
                : List.of(PILOT, PILOT_ON_LOOP, HTTP);

        BenchmarkRunner.progress("    sequential calls, " + profile.callSamples() + " each after " + profile.callWarmup()
                + " of warm-up");
        Map<String, Latency> sequential = sequential(caller, kinds, profile);
        BenchmarkRunner.progress("    " + profile.callInFlight() + " calls in flight");
        Map<String, Rate> rates = rates(caller, provider, nats, kinds, profile);

        BenchmarkRunner.progress("    a provider leaves, one joins beside another, one dies, one joins alone");
        BenchApp spare = own(BenchApp.start(launch, dir, "provider", "bench-provider-2", providerSettings));
        spare.awaitReady();
        HandedOver left = handOver(caller, provider, spare, BenchApp::stop);
        Handovers.Handover leave = left.handover();
        BenchApp survivor = left.survivor();

        caller.post("/bench/trace/start?kind=" + PILOT);
        BenchApp beside = own(BenchApp.start(launch, dir, "provider", "bench-provider-3", providerSettings));
        long besideReady = beside.awaitReady();
        boolean chosenBeside = awaitAnswered(caller, beside.hostname(), JOIN_TIMEOUT) != null;
        Handovers.Handover joinBeside = Handovers.join(trace(caller.post("/bench/trace/stop")), besideReady,
                beside.hostname());

        // Only while both are chosen can the one that dies be the caller's last choice; else the survivor dies alone.
        HandedOver died = chosenBeside ? handOver(caller, survivor, beside, BenchApp::kill) : null;
        Handovers.Handover death = died == null ? null : died.handover();
        BenchApp remaining = died == null ? survivor : died.survivor();

        remaining.stop();
        caller.post("/bench/trace/start?kind=" + PILOT);
        BenchApp joiner = own(BenchApp.start(launch, dir, "provider", "bench-provider-4", providerSettings));
        long ready = joiner.awaitReady();
        awaitAnswered(caller, joiner.hostname(), JOIN_TIMEOUT);
        Handovers.Handover join = Handovers.join(trace(caller.post("/bench/trace/stop")), ready, joiner.hostname());
        BenchmarkRunner.progress("    leave " + describe(leave) + "; join beside " + describe(joinBeside) + "; death "
                + (death == null ? "not measured" : describe(death)) + "; join alone " + describe(join));

        BenchmarkRunner.progress("    calls to the known provider with the backbone up and stopped, in alternating blocks");
        Outage outage = outage(caller, backbone, profile);

        return new Result(sequential.get(PILOT), sequential.get(PILOT_ON_LOOP), sequential.get(HTTP),
                sequential.get(NATS), rates.get(PILOT), rates.get(PILOT_ON_LOOP), rates.get(HTTP), rates.get(NATS), natsMissing, profile.callInFlight(), outage.up(), outage.down(),
                profile.callOutageBudget(), outage.upCpuMicrosPerCall(), outage.downCpuMicrosPerCall(), leave, join,
                joinBeside, death);
    }

    /** The calls with the backbone up and stopped, and the caller process's CPU per call in each state. */
    private record Outage(Latency up, Latency down, double upCpuMicrosPerCall, double downCpuMicrosPerCall) {
    }

    /**
     * The caller's calls to its known provider in {@link #OUTAGE_BLOCKS} pairs of blocks, the backbone up for one and
     * stopped for the other, taking turns: measured as one block each (up, then down), the ratio swung from 0.60x to
     * 1.58x between runs, as the load of the machine drifted between the two. A stopped backbone's block starts
     * {@link #OUTAGE_SETTLE} after the stop, when the caller's retries are under way (UDP unanswered, then WebSocket);
     * the backbone then starts again, empty, and the next up block waits until the caller and the provider registered
     * anew. The caller process's CPU is read around each block, so that what its retries cost shows per call.
     */
    private static Outage outage(BenchApp caller, StoppableBackbone backbone, RunProfile profile)
            throws InterruptedException {
        int calls = Math.max(1, profile.callSamples() / 5);
        int blocks = Math.min(OUTAGE_BLOCKS, calls);
        latency(caller, PILOT, profile.callWarmup(), 1, profile.callOutageBudget());
        List<JsonNode> up = new ArrayList<>();
        List<JsonNode> down = new ArrayList<>();
        long upCpu = 0;
        long downCpu = 0;
        for (int block = 0; block < blocks; block++) {
            int size = calls / blocks + (block < calls % blocks ? 1 : 0);
            if (block > 0) {
                backbone.restart(2, REREGISTER_TIMEOUT); // the caller and the provider that joined last
            }
            long cpu = caller.cpuNanos();
            up.add(latencyOrder(caller, size, profile.callOutageBudget()));
            upCpu += caller.cpuNanos() - cpu;
            backbone.stop();
            Thread.sleep(OUTAGE_SETTLE.toMillis());
            cpu = caller.cpuNanos();
            down.add(latencyOrder(caller, size, profile.callOutageBudget()));
            downCpu += caller.cpuNanos() - cpu;
        }
        return new Outage(latency(up), latency(down), upCpu / 1e3 / calls, downCpu / 1e3 / calls);
    }

    private static JsonNode latencyOrder(BenchApp caller, int calls, Duration budget) throws InterruptedException {
        return caller.post("/bench/latency?kind=" + PILOT + "&warmup=0&calls=" + calls + "&budgetMillis="
                + budget.toMillis());
    }

    private static String describe(Handovers.Handover handover) {
        return (handover.micros() == null ? "not within the trace" : handover.micros() / 1000 + " ms") + " ("
                + handover.failedCalls() + " failed, " + handover.slowCalls() + " over 1 s)";
    }

    /** A provider ended while the caller called it and another: who is left, and how the caller followed. */
    private record HandedOver(BenchApp survivor, Handovers.Handover handover) {
    }

    /** How a provider is made to go: {@link BenchApp#stop} (it leaves) or {@link BenchApp#kill} (it dies). */
    private interface Ending {
        void end(BenchApp provider) throws InterruptedException;
    }

    /**
     * While the caller calls back to back, ends whichever of {@code a} and {@code b} it chose last; then waits until
     * the other has answered {@link #SETTLED} calls in a row (a dead provider's call may hang until the request
     * timeout first), and reads from the trace how long the caller took to stop choosing the one that went.
     */
    private static HandedOver handOver(BenchApp caller, BenchApp a, BenchApp b, Ending ending)
            throws InterruptedException {
        caller.post("/bench/trace/start?kind=" + PILOT);
        String chosen = awaitAnswered(caller, null, JOIN_TIMEOUT);
        BenchApp ended = chosen.equals(b.hostname()) ? b : a;
        BenchApp survivor = ended == b ? a : b;
        long signal = epochMicros();
        ending.end(ended);
        Thread.sleep(SETTLE.toMillis());
        awaitSettled(caller, survivor.hostname());
        return new HandedOver(survivor, Handovers.leave(trace(caller.post("/bench/trace/stop")), signal,
                survivor.hostname()));
    }

    /** Waits, up to {@link #SETTLE_TIMEOUT}, until {@code hostname} answered the caller's latest calls in a row. */
    private static void awaitSettled(BenchApp caller, String hostname) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode latest = caller.get("/bench/trace/last");
            JsonNode by = latest.get("by");
            if (by != null && hostname.equals(by.asString()) && latest.get("inARow").asInt() >= SETTLED) {
                return;
            }
            Thread.sleep(20);
        }
    }

    /** Warm-up for each contender, then {@link #BLOCKS} blocks in turn, so that drifts in load hit all alike. */
    private static Map<String, Latency> sequential(BenchApp caller, List<String> kinds, RunProfile profile)
            throws InterruptedException {
        Duration budget = Duration.ofMinutes(10);
        for (String kind : kinds) {
            latency(caller, kind, profile.callWarmup(), 1, budget);
        }
        int perBlock = Math.max(1, profile.callSamples() / BLOCKS);
        Map<String, List<JsonNode>> blocks = new LinkedHashMap<>();
        for (int block = 0; block < BLOCKS; block++) {
            for (String kind : kinds) {
                blocks.computeIfAbsent(kind, k -> new ArrayList<>()).add(caller.post("/bench/latency?kind=" + kind
                        + "&warmup=0&calls=" + perBlock + "&budgetMillis=" + budget.toMillis()));
            }
        }
        Map<String, Latency> latencies = new LinkedHashMap<>();
        blocks.forEach((kind, answers) -> latencies.put(kind, latency(answers)));
        return latencies;
    }

    private static Latency latency(BenchApp caller, String kind, int warmup, int calls, Duration budget)
            throws InterruptedException {
        return latency(List.of(caller.post("/bench/latency?kind=" + kind + "&warmup=" + warmup + "&calls=" + calls
                + "&budgetMillis=" + budget.toMillis())));
    }

    /** Merges the caller's answers ({@code LatencyRun}s) into one set of samples. */
    private static Latency latency(List<JsonNode> answers) {
        List<Long> nanos = new ArrayList<>();
        int failures = 0;
        String firstError = null;
        for (JsonNode answer : answers) {
            answer.get("nanos").forEach(n -> nanos.add(n.asLong()));
            failures += answer.get("failures").asInt();
            JsonNode error = answer.get("firstError");
            if (firstError == null && error != null && !error.isNull()) {
                firstError = error.asString();
            }
        }
        Samples samples = nanos.isEmpty() ? null : Samples.of(nanos.stream().mapToLong(Long::longValue).toArray());
        return new Latency(samples, failures, firstError);
    }

    /**
     * {@link #RATE_WARMUP_WINDOWS} discarded rounds of windows in turn, then {@code callRateIterations} measured
     * ones; around each measured window the CPU time of the caller, the provider and (for NATS) the broker.
     */
    private static Map<String, Rate> rates(BenchApp caller, BenchApp provider, NatsServer nats, List<String> kinds,
            RunProfile profile) throws InterruptedException {
        String order = "&inFlight=" + profile.callInFlight() + "&millis=" + profile.callRateWindow().toMillis();
        for (int round = 0; round < RATE_WARMUP_WINDOWS; round++) {
            for (String kind : kinds) {
                caller.post("/bench/rate?kind=" + kind + order);
            }
        }
        Map<String, List<JsonNode>> windows = new LinkedHashMap<>();
        Map<String, long[]> cpu = new LinkedHashMap<>();
        Map<String, Long> datagrams = new LinkedHashMap<>();
        Set<String> uncounted = new HashSet<>();
        for (int round = 0; round < profile.callRateIterations(); round++) {
            for (String kind : kinds) {
                boolean brokered = kind.equals(NATS);
                long callerBefore = caller.cpuNanos();
                long providerBefore = provider.cpuNanos();
                long brokerBefore = brokered ? nats.cpuNanos() : 0;
                OptionalLong datagramsBefore = UdpDatagramCount.received();
                windows.computeIfAbsent(kind, k -> new ArrayList<>()).add(caller.post("/bench/rate?kind=" + kind + order));
                OptionalLong datagramsAfter = UdpDatagramCount.received();
                if (datagramsBefore.isPresent() && datagramsAfter.isPresent()) {
                    datagrams.merge(kind, datagramsAfter.getAsLong() - datagramsBefore.getAsLong(), Long::sum);
                } else {
                    uncounted.add(kind); // a partial count divided by every call would mislead
                }
                long[] used = cpu.computeIfAbsent(kind, k -> new long[3]);
                used[0] += caller.cpuNanos() - callerBefore;
                used[1] += provider.cpuNanos() - providerBefore;
                used[2] += brokered ? nats.cpuNanos() - brokerBefore : 0;
            }
        }
        Map<String, Rate> rates = new LinkedHashMap<>();
        windows.forEach((kind, answers) -> {
            double[] perSecond = answers.stream()
                    .mapToDouble(a -> a.get("calls").asLong() * 1e9 / a.get("nanos").asLong()).toArray();
            long failures = answers.stream().mapToLong(a -> a.get("failures").asLong()).sum();
            String firstError = answers.stream().map(a -> a.get("firstError")).filter(e -> e != null && !e.isNull())
                    .map(JsonNode::asString).findFirst().orElse(null);
            long calls = Math.max(1, answers.stream().mapToLong(a -> a.get("calls").asLong()).sum());
            long[] used = cpu.get(kind);
            CpuPerCall perCall = new CpuPerCall(used[0] / 1e3 / calls, used[1] / 1e3 / calls,
                    kind.equals(NATS) ? used[2] / 1e3 / calls : null);
            Long received = uncounted.contains(kind) ? null : datagrams.get(kind);
            rates.put(kind, new Rate(Samples.of(perSecond), failures, firstError, perCall,
                    received == null ? null : received / (double) calls));
        });
        return rates;
    }

    /**
     * Waits until the caller's running trace has a call answered by {@code hostname} (by anyone, if null) and
     * returns who answered the latest.
     */
    private static String awaitAnswered(BenchApp caller, String hostname, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode by = caller.get("/bench/trace/last").get("by");
            if (by != null && (hostname == null || hostname.equals(by.asString()))) {
                return by.asString();
            }
            Thread.sleep(20);
        }
        if (hostname == null) {
            throw new IllegalStateException("no call of the caller's trace succeeded within " + timeout);
        }
        return null;
    }

    private static List<Handovers.Call> trace(JsonNode calls) {
        List<Handovers.Call> trace = new ArrayList<>();
        calls.forEach(call -> {
            JsonNode by = call.get("by");
            trace.add(new Handovers.Call(call.get("startMicros").asLong(), call.get("endMicros").asLong(),
                    by == null || by.isNull() ? null : by.asString()));
        });
        return trace;
    }

    /** Wall-clock microseconds, as the apps read them, so that the runner's instants compare with theirs. */
    private static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    private void closeAll() {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                BenchmarkRunner.progress("    cleaning up: " + e);
            }
        }
    }

    private static Path createRunDirectory() {
        try {
            return Files.createTempDirectory("pilot-bench-calls");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            BenchmarkRunner.progress("    could not delete " + dir + ": " + e.getMessage());
        }
    }
}

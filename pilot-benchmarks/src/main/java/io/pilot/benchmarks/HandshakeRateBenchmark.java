package io.pilot.benchmarks;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.SessionListener;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.wire.DropReason;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Section 3: full handshakes per second against one responder, a {@code PilotNode}. Each handshake is a brand-new
 * peer (fresh identity, fresh Noise static key, fresh socket) connecting to it: Noise XX with X25519, the Ed25519
 * identity proof both ways (the responder checks a key it never met in full, the initiator verifies the responder's
 * proof against the key it asked for), and session key derivation, the whole of what a new peer costs both ends.
 *
 * <p>The initiators are {@link HandshakeInitiators}: the initiator side of the protocol on the engine's own parts,
 * driven by one thread, with no node around each (until issue 18 they were 300 fresh client nodes per batch, whose
 * idle event loops and timers cost the process more CPU than the handshakes: 2.7 ms per handshake of the client
 * loops against 0.9 ms of the responder's). They are made before the clock starts and closed after it stops, so
 * key generation and sockets are not counted. The clock covers {@link RunProfile#handshakesPerBatch()} handshakes,
 * at most {@link RunProfile#handshakeConcurrency()} at a time, until every initiator has its confirmation and the
 * responder has reported every new session. The bounded concurrency keeps the responder's queue shorter than the
 * 250 ms handshake retransmission timer, so the figure is not inflated by retransmitted work nor deflated by
 * timeouts.
 *
 * <p>Both ends run on the same two cores, so each handshake's CPU cost is paid twice (initiator and responder) out
 * of the same budget. The responder's own cost is measured apart: the CPU time of its event loop, where its whole
 * handshake runs.
 *
 * <p>All initiators share one source address (127.0.0.1), which the responder's defaults would throttle to
 * 50 handshakes/s (burst 100) and would challenge with cookies above 500/s. The responder therefore runs
 * with {@link #LIMITS}: those defences are measured by their own tests, not here.
 */
public final class HandshakeRateBenchmark {

    /** The responder's session settings: per-source limit, cookie threshold and pending bound lifted. */
    public static final SessionSettings LIMITS = SessionSettings.DEFAULTS.withHandshakeLimits(1_000_000, 1_000_000,
            4096);
    /**
     * Warm-up batches run and discarded before the measured ones: at least {@value #MIN_WARMUP_BATCHES}, then more
     * until one runs with the JIT compiling for less than {@link #SETTLED_COMPILATION_SHARE} of its time, at most
     * {@value #MAX_WARMUP_BATCHES}. The JIT compiles the handshake path over the first thousands of handshakes, and
     * its compiler threads' CPU would otherwise count as the handshakes' (with libsodium's faster curves, three batches
     * of 300 were over before it was done: 1.27 ms per handshake measured after 3 warm-up batches, 0.90 ms after 12,
     * the difference all in the unattributed GC, JIT and VM threads).
     */
    static final int MIN_WARMUP_BATCHES = 3;
    static final int MAX_WARMUP_BATCHES = 30;
    static final double SETTLED_COMPILATION_SHARE = 0.05;
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * @param perSecond handshakes per second, one value per measured batch
     * @param latencyNanos time from an initiator's first INIT to the responder's confirmation, over all measured
     *                     handshakes
     * @param responderDrops datagrams the responder dropped during the whole section, by reason
     * @param failures handshakes that failed or timed out (should be none)
     * @param cpuPerHandshakeNanos per measured batch: CPU the whole process used while the batch ran, every
     *                             thread (both ends, JIT, GC), per handshake: unlike the rate, it hardly depends on
     *                             how much of the machine other processes take
     * @param responderCpuPerHandshakeNanos per measured batch: the CPU time of the responder's event loop (where its
     *                                      whole handshake runs, datagram system calls included) per handshake
     * @param cpuPerHandshakeByGroup the measured batches' CPU per handshake by thread group (the responder is
     *                               {@link ThreadCpu.Group#BACKBONE}, the initiators' thread
     *                               {@link ThreadCpu.Group#OTHER}), in nanoseconds
     * @param warmupBatches batches run before the measured ones until the JIT had settled
     * @param lastWarmupCompilationShare the JIT's compilation time during the last warm-up batch, as a share of
     *                                   that batch's time (below {@link #SETTLED_COMPILATION_SHARE} unless the
     *                                   warm-up stopped at {@link #MAX_WARMUP_BATCHES})
     */
    public record Result(Samples perSecond, Samples latencyNanos, Map<DropReason, Long> responderDrops,
                         int failures, Samples cpuPerHandshakeNanos, Samples responderCpuPerHandshakeNanos,
                         Map<ThreadCpu.Group, Double> cpuPerHandshakeByGroup, int warmupBatches,
                         double lastWarmupCompilationShare) {

        /** Handshakes per second that the median CPU per handshake allows on {@code cores} cores given wholly to it. */
        public double perSecondOnIdleCores(int cores) {
            return cores * 1e9 / cpuPerHandshakeNanos.median();
        }

        /** Handshakes per second that the responder's median CPU per handshake allows it on one core of its own. */
        public double responderPerSecondOnOneCore() {
            return 1e9 / responderCpuPerHandshakeNanos.median();
        }
    }

    public Result run(RunProfile profile) throws InterruptedException {
        int batches = profile.handshakeBatches();
        int perBatch = profile.handshakesPerBatch();
        double[] rates = new double[batches];
        double[] cpuPerHandshake = new double[batches];
        double[] responderCpuPerHandshake = new double[batches];
        Map<ThreadCpu.Group, Double> cpuByGroup = new EnumMap<>(ThreadCpu.Group.class);
        List<Long> latencies = new ArrayList<>();
        int failures = 0;
        Set<Long> loopsBefore = ThreadCpu.eventLoops();
        try (PilotNode responder = PilotPair.node().sessionSettings(LIMITS).build().start()) {
            Set<Long> loopsAfter = ThreadCpu.eventLoops();
            Responder measured = new Responder(responder, ThreadCpu.newEventLoop(loopsBefore, loopsAfter),
                    ThreadCpu.withBackboneLoop(loopsBefore, loopsAfter));
            int warmups = 0;
            double compiling;
            do {
                long compiledBefore = compilationMillis();
                Batch warmup = measured.run(perBatch, profile.handshakeConcurrency());
                compiling = (compilationMillis() - compiledBefore) * 1e6 / warmup.elapsedNanos;
                warmups++;
            } while (warmups < MAX_WARMUP_BATCHES && (warmups < MIN_WARMUP_BATCHES || compiling > SETTLED_COMPILATION_SHARE));
            long measuredHandshakes = (long) perBatch * batches;
            for (int batch = 0; batch < batches; batch++) {
                Batch result = measured.run(perBatch, profile.handshakeConcurrency());
                rates[batch] = perBatch / (result.elapsedNanos / 1e9);
                cpuPerHandshake[batch] = (double) result.cpuNanos / perBatch;
                responderCpuPerHandshake[batch] = (double) result.responderCpuNanos / perBatch;
                result.cores.forEach((group, used) ->
                        cpuByGroup.merge(group, used * result.elapsedNanos / measuredHandshakes, Double::sum));
                latencies.addAll(result.outcome.latencies());
                failures += result.outcome.failures();
            }
            return new Result(Samples.of(rates),
                    Samples.of(latencies.stream().mapToLong(Long::longValue).toArray()),
                    responder.stats().drops(), failures, Samples.of(cpuPerHandshake),
                    Samples.of(responderCpuPerHandshake), cpuByGroup, warmups, compiling);
        }
    }

    /** The JIT's compilation time so far, summed over its compiler threads; 0 where the JVM does not tell it. */
    private static long compilationMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /** One batch's clock, CPU and outcome. */
    private record Batch(long elapsedNanos, long cpuNanos, long responderCpuNanos, Map<ThreadCpu.Group, Double> cores,
                         HandshakeInitiators.Outcome outcome) {
    }

    /** The responder node, its event loop's thread and the process's threads by group, and what it has established. */
    private static final class Responder {

        private final PilotNode node;
        private final long loop;
        private final ThreadCpu threads;
        private final AtomicReference<CountDownLatch> established = new AtomicReference<>(new CountDownLatch(0));

        Responder(PilotNode node, long loop, ThreadCpu threads) {
            this.node = node;
            this.loop = loop;
            this.threads = threads;
            node.addSessionListener(new SessionListener() {
                @Override
                public void sessionEstablished(PeerInfo peer, boolean newConnection) {
                    if (newConnection) {
                        established.get().countDown();
                    }
                }
            });
        }

        /** Runs {@code count} fresh initiators against the responder, {@code concurrency} at a time, and times them. */
        Batch run(int count, int concurrency) throws InterruptedException {
            try (HandshakeInitiators initiators = new HandshakeInitiators(count, node.localEndpoint(), node.publicKey(),
                    node.address().realm(), RANDOM)) {
                CountDownLatch done = new CountDownLatch(count);
                established.set(done);
                ThreadCpu.Mark before = threads.mark();
                long responderBefore = ThreadCpu.threadCpuNanos(loop);
                HandshakeInitiators.Outcome outcome = initiators.run(concurrency, TIMEOUT_NANOS);
                if (!done.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the responder established only "
                            + (count - done.getCount()) + " of " + count + " sessions");
                }
                long elapsed = System.nanoTime() - before.wallNanos();
                return new Batch(elapsed, ThreadCpu.processCpuNanos() - before.processNanos(),
                        ThreadCpu.threadCpuNanos(loop) - responderBefore, threads.coresSince(before), outcome);
            }
        }
    }
}

package io.pilot.benchmarks;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.SessionListener;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.wire.DropReason;

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
     * Batches run and discarded before the measured ones: the JIT compiles the curve arithmetic and the handshake path
     * over the first thousand or so handshakes (its compiler threads' CPU would otherwise count as the handshakes').
     */
    static final int WARMUP_BATCHES = 3;
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
     */
    public record Result(Samples perSecond, Samples latencyNanos, Map<DropReason, Long> responderDrops,
                         int failures, Samples cpuPerHandshakeNanos, Samples responderCpuPerHandshakeNanos,
                         Map<ThreadCpu.Group, Double> cpuPerHandshakeByGroup) {

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
            long responderLoop = ThreadCpu.newEventLoop(loopsBefore, loopsAfter);
            ThreadCpu threads = ThreadCpu.withBackboneLoop(loopsBefore, loopsAfter);
            AtomicReference<CountDownLatch> established = new AtomicReference<>(new CountDownLatch(0));
            responder.addSessionListener(new SessionListener() {
                @Override
                public void sessionEstablished(PeerInfo peer, boolean newConnection) {
                    if (newConnection) {
                        established.get().countDown();
                    }
                }
            });
            for (int batch = -WARMUP_BATCHES; batch < batches; batch++) {
                try (HandshakeInitiators initiators = new HandshakeInitiators(perBatch, responder.localEndpoint(),
                        responder.publicKey(), responder.address().realm(), RANDOM)) {
                    CountDownLatch done = new CountDownLatch(perBatch);
                    established.set(done);
                    ThreadCpu.Mark before = threads.mark();
                    long responderBefore = ThreadCpu.threadCpuNanos(responderLoop);
                    HandshakeInitiators.Outcome outcome = initiators.run(profile.handshakeConcurrency(), TIMEOUT_NANOS);
                    if (!done.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the responder established only "
                                + (perBatch - done.getCount()) + " of " + perBatch + " sessions");
                    }
                    long elapsed = System.nanoTime() - before.wallNanos();
                    long cpu = ThreadCpu.processCpuNanos() - before.processNanos();
                    long responderCpu = ThreadCpu.threadCpuNanos(responderLoop) - responderBefore;
                    Map<ThreadCpu.Group, Double> cores = threads.coresSince(before);
                    if (batch >= 0) {
                        rates[batch] = perBatch / (elapsed / 1e9);
                        cpuPerHandshake[batch] = (double) cpu / perBatch;
                        responderCpuPerHandshake[batch] = (double) responderCpu / perBatch;
                        long measured = (long) perBatch * batches;
                        cores.forEach((group, used) -> cpuByGroup.merge(group, used * elapsed / measured, Double::sum));
                        latencies.addAll(outcome.latencies());
                        failures += outcome.failures();
                    }
                }
            }
            return new Result(Samples.of(rates),
                    Samples.of(latencies.stream().mapToLong(Long::longValue).toArray()),
                    responder.stats().drops(), failures, Samples.of(cpuPerHandshake),
                    Samples.of(responderCpuPerHandshake), cpuByGroup);
        }
    }
}

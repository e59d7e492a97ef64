package io.pilot.benchmarks;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.SessionListener;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.wire.DropReason;
import java.util.Collections;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Section 3: full handshakes per second against one responder. Each handshake is a brand-new client node
 * (fresh identity, fresh socket) connecting to the same responder: Noise XX with X25519, the Ed25519
 * identity proof both ways, and session key derivation, the whole of what a new peer costs.
 *
 * <p>Client nodes for a batch are started before the clock starts and closed after it stops, so node
 * start-up (threads, sockets) is not counted. The clock covers firing {@link RunProfile#handshakesPerBatch()}
 * connects, at most {@link RunProfile#handshakeConcurrency()} at a time, until every client's
 * {@code connect} has completed and the responder has reported every new session. The bounded
 * concurrency keeps the responder's queue shorter than the 250 ms handshake retransmission timer, so the
 * figure is not inflated by retransmitted work nor deflated by timeouts.
 *
 * <p>Both ends run on the same two cores, so each handshake's CPU cost is paid twice (initiator and
 * responder) out of the same budget: a responder alone on this machine would do roughly twice as many.
 *
 * <p>All clients share one source address (127.0.0.1), which the responder's defaults would throttle to
 * 50 handshakes/s (burst 100) and would challenge with cookies above 500/s. The responder therefore runs
 * with {@link #LIMITS}: those defences are measured by their own tests, not here.
 */
public final class HandshakeRateBenchmark {

    /** The responder's session settings: per-source limit, cookie threshold and pending bound lifted. */
    public static final SessionSettings LIMITS = SessionSettings.DEFAULTS.withHandshakeLimits(1_000_000, 1_000_000,
            4096);

    /**
     * @param perSecond handshakes per second, one value per measured batch
     * @param latencyNanos time from {@code connect} to its completion, over all measured handshakes
     * @param responderDrops datagrams the responder dropped during the whole section, by reason
     * @param failures connects that failed (should be none)
     * @param cpuPerHandshakeNanos per measured batch: CPU the whole process used while the batch ran, every
     *                             thread (both ends, the idle client nodes' timers, JIT, GC), per handshake: unlike
     *                             the rate, it hardly depends on how much of the machine other processes take
     */
    public record Result(Samples perSecond, Samples latencyNanos, Map<DropReason, Long> responderDrops,
                         int failures, Samples cpuPerHandshakeNanos) {

        /** Handshakes per second that the median CPU per handshake allows on {@code cores} cores given wholly to it. */
        public double perSecondOnIdleCores(int cores) {
            return cores * 1e9 / cpuPerHandshakeNanos.median();
        }
    }

    public Result run(RunProfile profile) throws InterruptedException {
        int batches = profile.handshakeBatches();
        double[] rates = new double[batches];
        double[] cpuPerHandshake = new double[batches];
        List<Long> latencies = new ArrayList<>();
        int failures = 0;
        try (PilotNode responder = PilotPair.node().sessionSettings(LIMITS).build().start()) {
            AtomicReference<CountDownLatch> established = new AtomicReference<>(new CountDownLatch(0));
            responder.addSessionListener(new SessionListener() {
                @Override
                public void sessionEstablished(PeerInfo peer, boolean newConnection) {
                    if (newConnection) {
                        established.get().countDown();
                    }
                }
            });
            for (int batch = -1; batch < batches; batch++) {
                List<PilotNode> clients = startClients(profile.handshakesPerBatch());
                try {
                    CountDownLatch done = new CountDownLatch(clients.size());
                    established.set(done);
                    long cpuBefore = ThreadCpu.processCpuNanos();
                    Batch result = connectAll(clients, responder, profile.handshakeConcurrency());
                    if (!done.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the responder established only "
                                + (clients.size() - done.getCount()) + " of " + clients.size() + " sessions");
                    }
                    long elapsed = System.nanoTime() - result.start;
                    long cpu = ThreadCpu.processCpuNanos() - cpuBefore;
                    if (batch >= 0) {
                        rates[batch] = clients.size() / (elapsed / 1e9);
                        cpuPerHandshake[batch] = (double) cpu / clients.size();
                        latencies.addAll(result.latencies);
                        failures += result.failures;
                    }
                } finally {
                    clients.parallelStream().forEach(PilotNode::close);
                }
            }
            return new Result(Samples.of(rates),
                    Samples.of(latencies.stream().mapToLong(Long::longValue).toArray()),
                    responder.stats().drops(), failures, Samples.of(cpuPerHandshake));
        }
    }

    private static List<PilotNode> startClients(int count) {
        List<PilotNode> clients = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            clients.add(PilotPair.node().build().start());
        }
        return clients;
    }

    private record Batch(long start, List<Long> latencies, int failures) {
    }

    private static Batch connectAll(List<PilotNode> clients, PilotNode responder, int concurrency)
            throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        InetSocketAddress endpoint = responder.localEndpoint();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<?>> all = new ArrayList<>(clients.size());
        long start = System.nanoTime();
        for (PilotNode client : clients) {
            inFlight.acquire();
            long begun = System.nanoTime();
            all.add(client.connect(responder.publicKey(), endpoint).whenComplete((peer, error) -> {
                if (error == null) {
                    latencies.add(System.nanoTime() - begun);
                }
                inFlight.release();
            }));
        }
        int failures = 0;
        for (CompletableFuture<?> future : all) {
            try {
                future.join();
            } catch (RuntimeException e) {
                failures++;
            }
        }
        return new Batch(start, latencies, failures);
    }
}

package io.pilot.benchmarks;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import com.sun.management.ThreadMXBean;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;

/**
 * Section 1: round-trip latency of {@link PilotNode#ping} over an established tunnel against a raw UDP
 * echo on the same loopback, 8 bytes of payload each way in both cases; and of an engine request/reply
 * ({@link PilotNode#request}) with a {@value #REQUEST_BYTES}-byte body each way, answered by a handler that runs
 * on the server's handler pool, as an application's handler does (the echo service behind a ping answers inline
 * on the event loop).
 *
 * <p>Pilot is measured twice per ping: the duration {@code ping()} itself reports (taken on the node's
 * event loop, from handing the request to the transport to the reply being decoded) and the duration the
 * calling thread observes around {@code ping().join()}, which adds the hop onto the event loop and the
 * wake-up of the caller from it. The raw UDP figure is caller-observed, so the caller-observed
 * Pilot figure is the like-for-like comparison; the engine figure shows how much of the gap is thread
 * hand-offs rather than protocol.
 *
 * <p>They are measured in alternating blocks rather than one after the other, so that a change in
 * machine load during the run (CPU frequency, a noisy neighbour) hits them all alike.
 */
public final class PingLatencyBenchmark {

    /** Payload of a Pilot ping (its echo request body) and of the raw UDP echo. */
    static final int PAYLOAD_BYTES = 8;

    /** Body of the engine request and of its reply: a small call's argument. */
    static final int REQUEST_BYTES = 64;

    /** The server's port for the request/reply row. */
    private static final int ECHO_PORT = 1001;

    private static final int BLOCKS = 10;

    /** Counts the bytes every thread allocates: a per-ping cost that the machine's load does not blur. */
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * @param pilotEngine round trips as {@code ping()} reports them, nanoseconds
     * @param pilotCaller round trips as the calling thread sees them, nanoseconds
     * @param rawUdp blocking UDP echo round trips, nanoseconds
     * @param pilotRequest engine request/reply round trips through the server's handler pool as the calling thread
     *                     sees them, nanoseconds
     * @param pingCpuNanos the whole process's CPU time per ping (caller, both nodes, JIT and GC), nanoseconds
     * @param rawUdpCpuNanos the whole process's CPU time per raw UDP echo, nanoseconds
     * @param pingAllocatedBytes bytes allocated on the heap per ping by every thread (caller and both nodes)
     */
    public record Result(Samples pilotEngine, Samples pilotCaller, Samples rawUdp, Samples pilotRequest,
            double pingCpuNanos, double rawUdpCpuNanos, double pingAllocatedBytes) {

        /** Caller-observed Pilot p50 over raw UDP p50. */
        public double p50Ratio() {
            return pilotCaller.median() / rawUdp.median();
        }
    }

    public Result run(RunProfile profile) {
        try (PilotPair pair = PilotPair.start(); UdpEchoLatency udp = new UdpEchoLatency(PAYLOAD_BYTES)) {
            PilotNode client = pair.client();
            PilotAddress target = pair.server().address();
            // Replies with the request's body: 64 bytes each way, from the handler pool.
            pair.server().listen(ECHO_PORT, MessageHandler.of(in -> Message.of(in.message().body())));
            PilotSocketAddress echo = pair.serverPort(ECHO_PORT);
            Message request = Message.of(new byte[REQUEST_BYTES]);
            for (int i = 0; i < profile.pingWarmup(); i++) {
                client.ping(target).join();
                client.request(echo, request).join();
                udp.roundTripNanos();
            }
            int perBlock = Math.max(1, profile.pingSamples() / BLOCKS);
            int total = perBlock * BLOCKS;
            long[] engine = new long[total];
            long[] caller = new long[total];
            long[] raw = new long[total];
            long[] requests = new long[total];
            int n = 0;
            int r = 0;
            int q = 0;
            long pingCpu = 0;
            long rawCpu = 0;
            long pingAllocated = 0;
            for (int block = 0; block < BLOCKS; block++) {
                long allocated = THREADS.getTotalThreadAllocatedBytes();
                long cpu = ThreadCpu.processCpuNanos();
                for (int i = 0; i < perBlock; i++, n++) {
                    long start = System.nanoTime();
                    engine[n] = client.ping(target).join().toNanos();
                    caller[n] = System.nanoTime() - start;
                }
                pingCpu += ThreadCpu.processCpuNanos() - cpu;
                pingAllocated += THREADS.getTotalThreadAllocatedBytes() - allocated;
                cpu = ThreadCpu.processCpuNanos();
                for (int i = 0; i < perBlock; i++, r++) {
                    raw[r] = udp.roundTripNanos();
                }
                rawCpu += ThreadCpu.processCpuNanos() - cpu;
                for (int i = 0; i < perBlock; i++, q++) {
                    long start = System.nanoTime();
                    client.request(echo, request).join();
                    requests[q] = System.nanoTime() - start;
                }
            }
            return new Result(Samples.of(engine), Samples.of(caller), Samples.of(raw), Samples.of(requests),
                    (double) pingCpu / total, (double) rawCpu / total, (double) pingAllocated / total);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

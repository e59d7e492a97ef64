package io.pilot.benchmarks;

import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneDirectory;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.PilotException;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The backbone's directory driven in-process, without a network: what the directory itself can hold and how
 * fast its request handler answers when no session, datagram or thread hand-off is in the way. One
 * {@link BackboneDirectory} with {@link DirectoryStore#none()}, as a {@link Backbone} holds it, minus the port
 * and the sweeper: requests go in as the backbone node hands them to the handler ({@link IncomingMessage} with
 * the sender's proven key), replies come out as it would send them back, sweeps run when this says.
 *
 * <p>Every record is a distinct identity's own, signed by it, registered by a request "from" that identity:
 * the handler's checks (signature, key binding, realm, expiry, rate) all run. Identities are derived from
 * seeds rather than from {@code SecureRandom}, and each record has one hostname, one capability of its own,
 * the shared group {@code bench} and one loopback endpoint.
 *
 * <p>Nothing here counts a Noise handshake, encryption, a datagram, the event loop's hop onto the handler
 * pool or the reply's way back: the network sections measure those.
 */
public final class InProcessDirectoryBenchmark {

    /** Identities and signed requests are prepared in chunks of this many, outside the timed handler calls. */
    private static final int CHUNK = 5_000;

    /** How many distinct keys and names the lookup and heartbeat loops cycle through. */
    private static final int SAMPLE = 4_096;

    /**
     * @param records registrations the directory held at the end (all of them accepted)
     * @param registerPerSecond register requests handled per second, one thread, signature check included
     * @param verifyNanos time to decode and verify one signed record alone (median of a sample)
     * @param lookupHostnamePerSecond lookup-by-hostname requests handled per second, one thread, full directory
     * @param lookupCapabilityPerSecond lookup-by-capability requests (one match each) per second, one thread
     * @param heartbeatPerSecond heartbeat requests handled per second, one thread, full directory
     * @param heapBeforeBytes heap in use after a full GC with the directory empty
     * @param heapAfterBytes heap in use after a full GC with the directory full, nothing else retained
     * @param signedRecordBytes mean size of one signed record as it travels and is stored
     * @param sweepNanos one lease-expiry sweep over the full directory when nothing expires (median of 5); it
     *                   holds the directory's lock throughout, and a backbone runs it every tenth of its lease
     * @param watched a real node watching every record over the network, in pages
     */
    public record Result(int records, double registerPerSecond, double verifyNanos, double lookupHostnamePerSecond,
                         double lookupCapabilityPerSecond, double heartbeatPerSecond, long heapBeforeBytes,
                         long heapAfterBytes, double signedRecordBytes, double sweepNanos, Watched watched) {

        public double bytesPerRecord() {
            return (double) (heapAfterBytes - heapBeforeBytes) / records;
        }
    }

    /**
     * A real node's watch of the group every record has ({@code bench}), with the directory on its node's port as a
     * backbone serves it: the snapshot comes in pages (docs/PROTOCOL.md §7.1).
     *
     * @param records       records the snapshot held: every record loaded (the watcher's own is not in the group)
     * @param plainTooLarge whether the same records asked as one LOOKUP reply were refused {@code TOO_LARGE}
     * @param replyBytes    the reply's size, put together from its pages
     * @param firstNanos    from asking to the watch's last {@code joined}, each record verified (key and signature)
     * @param againNanos    the same watch again, its records held by the client already (not verified again)
     */
    public record Watched(int records, boolean plainTooLarge, long replyBytes, long firstNanos, long againNanos) {
    }

    private final PilotNode node;
    private final int records;
    private final Duration window;
    private final SyntheticAgents agents;

    /**
     * @param node a started node standing in for the backbone's: the handler asks it for the sender's observed
     *             endpoint (one hop onto its event loop per registration, as on a real backbone)
     * @param records how many registrations to load
     * @param window how long each lookup and heartbeat loop runs
     */
    public InProcessDirectoryBenchmark(PilotNode node, int records, Duration window) {
        this.node = node;
        this.agents = new SyntheticAgents(node.address().realm());
        this.records = records;
        this.window = window;
    }

    public Result run() throws InterruptedException {
        // A lease long enough that nothing lapses while 100,000 records load (no sweeper runs here anyway).
        BackboneSettings settings = BackboneSettings.DEFAULTS.withLeaseTtl(Duration.ofMinutes(10));
        BackboneDirectory directory = new BackboneDirectory(node, settings, DirectoryStore.none());
        long heapBefore = settledHeap();

        long handlerNanos = 0;
        long recordBytes = 0;
        double verifyNanos = 0;
        for (int from = 0; from < records; from += CHUNK) {
            List<IncomingMessage> chunk = registrations(from, Math.min(records, from + CHUNK));
            if (from == 0) {
                verifyNanos = verifyNanos(chunk);
            }
            long start = System.nanoTime();
            for (IncomingMessage request : chunk) {
                expectOk(directory.handle(request));
            }
            handlerNanos += System.nanoTime() - start;
            for (IncomingMessage request : chunk) {
                recordBytes += request.message().body().length - SyntheticAgents.REGISTER_OVERHEAD;
            }
        }
        if (directory.registrations() != records) {
            throw new IllegalStateException("the directory holds " + directory.registrations() + " of " + records
                    + " records");
        }
        long heapAfter = settledHeap();

        double[] sweeps = new double[5];
        for (int i = 0; i < sweeps.length; i++) {
            long start = System.nanoTime();
            directory.expireLeases();
            sweeps[i] = System.nanoTime() - start;
            if (directory.registrations() != records) {
                throw new IllegalStateException("a lease expired during the measurement");
            }
        }
        Arrays.sort(sweeps);

        int sample = Math.min(SAMPLE, records);
        int stride = Math.max(1, records / sample);
        IncomingMessage[] byHostname = new IncomingMessage[sample];
        IncomingMessage[] byCapability = new IncomingMessage[sample];
        IncomingMessage[] heartbeats = new IncomingMessage[sample];
        NodeKey asker = agents.identity(-1).publicKey();
        for (int i = 0; i < sample; i++) {
            int index = i * stride;
            byHostname[i] = agents.request(asker, lookup(Query.HOSTNAME, hostname(index)));
            byCapability[i] = agents.request(asker, lookup(Query.CAPABILITY, capability(index)));
            heartbeats[i] = agents.heartbeat(agents.identity(index).publicKey());
        }
        double lookupHostname = loop(directory, byHostname, true);
        double lookupCapability = loop(directory, byCapability, true);
        double heartbeat = loop(directory, heartbeats, false);
        Watched watched = watchInPages(directory);
        Reference.reachabilityFence(directory);
        return new Result(records, records / (handlerNanos / 1e9), verifyNanos, lookupHostname, lookupCapability,
                heartbeat, heapBefore, heapAfter, (double) recordBytes / records, sweeps[sweeps.length / 2], watched);
    }

    /**
     * Serves the directory on this node's directory port and has a real node (a {@link DirectoryClient}, registered
     * there) watch every record twice: the second watch finds them held already.
     */
    private Watched watchInPages(BackboneDirectory directory) {
        PilotNode watcher = PilotPair.node().build().start();
        try (AutoCloseable port = node.listen(DirectoryProtocol.PORT, directory, Integer.MAX_VALUE, directory::answerOnLoop);
             DirectoryClient client = DirectoryClient.builder(watcher).hostname("paged-watcher")
                     .backbone(node.localEndpoint(), node.publicKey()).requestTimeout(Duration.ofMinutes(2)).build()) {
            client.start().join();
            byte[] lookup = lookup(Query.GROUP, "bench");
            boolean plainTooLarge;
            try {
                watcher.request(new PilotSocketAddress(node.address(), DirectoryProtocol.PORT), Message.of(lookup),
                        Duration.ofMinutes(1)).join();
                plainTooLarge = false;
            } catch (CompletionException e) {
                plainTooLarge = e.getCause() instanceof PilotException refused && refused.code() == ErrorCode.TOO_LARGE;
            }
            long[] first = timedWatch(client);
            long[] again = timedWatch(client);
            if (first[1] != records || again[1] != records) {
                throw new IllegalStateException("a watch of every record heard " + first[1] + " and " + again[1]
                        + " of " + records);
            }
            long replyBytes = directory.handle(agents.request(watcher.publicKey(), lookup)).toCompletableFuture().join()
                    .body().length;
            return new Watched(records, plainTooLarge, replyBytes, first[0], again[0]);
        } catch (Exception e) {
            throw new IllegalStateException("the paged watch failed", e);
        } finally {
            watcher.close();
        }
    }

    /** Nanoseconds from asking for a watch of every record to its snapshot's last {@code joined}, and how many. */
    private static long[] timedWatch(DirectoryClient client) {
        LongAdder joined = new LongAdder();
        long start = System.nanoTime();
        DirectoryClient.WatchHandle watch = client.watch(Query.GROUP, "bench", new DirectoryClient.WatchListener() {
            @Override
            public void joined(NodeRecord record) {
                joined.increment();
            }

            @Override
            public void updated(NodeRecord record) {
            }

            @Override
            public void left(NodeRecord record) {
            }
        }).join();
        long took = System.nanoTime() - start;
        watch.close();
        return new long[] {took, joined.sum()};
    }

    /** Requests per second for one window (after a tenth of it as warm-up), cycling through {@code requests}. */
    private double loop(BackboneDirectory directory, IncomingMessage[] requests, boolean expectOneRecord) {
        long warmupEnd = System.nanoTime() + window.toNanos() / 10;
        int i = 0;
        while (System.nanoTime() < warmupEnd) {
            check(directory, requests[i++ % requests.length], expectOneRecord);
        }
        long start = System.nanoTime();
        long end = start + window.toNanos();
        long count = 0;
        long now;
        do {
            for (int k = 0; k < 64; k++, count++) {
                check(directory, requests[i++ % requests.length], expectOneRecord);
            }
            now = System.nanoTime();
        } while (now < end);
        return count / ((now - start) / 1e9);
    }

    private static void check(BackboneDirectory directory, IncomingMessage request, boolean expectOneRecord) {
        byte[] reply = expectOk(directory.handle(request));
        if (expectOneRecord && (reply[1] != 0 || reply[2] != 0 || reply[3] != 0 || reply[4] != 1)) {
            throw new IllegalStateException("a lookup did not find exactly one record");
        }
    }

    private static byte[] expectOk(CompletionStage<Message> reply) {
        byte[] body = reply.toCompletableFuture().join().body();
        if (body[0] != 0) {
            DirectoryProtocol.readReply(body);
        }
        return body;
    }

    /** Signed register requests for records {@code from} (inclusive) to {@code to}, built on both cores. */
    private List<IncomingMessage> registrations(int from, int to) {
        return IntStream.range(from, to).parallel()
                .mapToObj(i -> agents.register(agents.identity(i), i, hostname(i), capability(i)))
                .collect(Collectors.toCollection(ArrayList::new));
    }

    private static double verifyNanos(List<IncomingMessage> chunk) {
        int n = Math.min(2_000, chunk.size());
        byte[][] signed = new byte[n][];
        for (int i = 0; i < n; i++) {
            byte[] body = chunk.get(i).message().body();
            signed[i] = Arrays.copyOfRange(body, SyntheticAgents.REGISTER_OVERHEAD, body.length);
        }
        for (int i = 0; i < n; i++) {
            SignedRecord.decode(signed[i]);
        }
        double[] nanos = new double[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            SignedRecord.decode(signed[i]);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos[n / 2];
    }

    private static byte[] lookup(Query query, String value) {
        return new BinaryWriter().u8(DirectoryProtocol.OP_LOOKUP).u8(query.ordinal()).string8(value).toBytes();
    }

    static String hostname(int i) {
        return String.format(Locale.ROOT, "agent-%06d", i);
    }

    static String capability(int i) {
        return "bench.skill-" + i;
    }

    /** Heap in use once a full collection has nothing left to free. */
    static long settledHeap() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            long used = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < 64 * 1024) {
                return used;
            }
            previous = used;
        }
        return previous;
    }
}

package io.pilot.benchmarks;

import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.group.BroadcastResult;
import io.pilot.engine.group.DirectoryView;
import io.pilot.engine.group.GroupMessaging;
import io.pilot.engine.group.MembershipListener;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.net.SharedEventLoops;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.wire.DropReason;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Section 10: one broadcast to a group of real members. Every member is a real node with its own UDP socket,
 * registered in the group with its own directory client on one real backbone, all in this JVM; each member has an
 * event loop of its own unless {@link #MEMBER_LOOPS} says to share a few ({@link SharedEventLoops}); the members
 * share one handler pool (one per member would be 500 idle pools). A sender, also a member, watches the
 * group (so a broadcast asks the backbone nothing) and broadcasts one one-way message per round to every other member.
 *
 * <p>The first round is cold: the sender has no session with any member, so it includes a handshake with each
 * (initiated all at once, all on the sender's one event loop). Later rounds run over the sessions it made. A round
 * ends when every member has received that round's message; each member counts every copy it receives, so a copy
 * delivered twice or missing is seen. Per round: the time from the {@code broadcast} call to the last member's
 * receipt (and to the median member's), the time until the broadcast's future completed (every copy handed to
 * its member's stream), the CPU of the whole process and of the sender's event loop. One unicast round trip (a
 * ping from the sender to members, over the same sessions) is measured beside it, for the target "all delivered
 * within 10 times one unicast RTT".
 *
 * <p>Before any node starts, the floor the machine allows is measured the same way ({@link UdpFanOut}): one plain
 * UDP socket sends the same 4-byte datagram to as many receiver sockets, read by one thread each and then by
 * {@value #FLOOR_SHARED_READERS} threads over one selector each, the two ways members' loops can be laid out, with
 * a raw UDP echo's round trip beside it.
 */
public final class BroadcastBenchmark {

    /** The port members listen on for the broadcast. */
    static final int PORT = 2001;
    static final String GROUP = "BROADCAST-BENCH";
    private static final int REGISTRATION_WAVE = 50;
    /** Reader threads of the raw fan-out's shared row: the machine's 2 cores, as shared member loops would be. */
    static final int FLOOR_SHARED_READERS = 2;
    /** The kernel's name of every event loop thread of the nodes, own or shared ({@code pilot-io-...} cut to 15). */
    private static final String EVENT_LOOPS = "pilot-io-";
    /**
     * Event loop threads the members share ({@link SharedEventLoops}), from {@code -Dbench.broadcast.memberLoops}
     * (e.g. 2, the machine's cores, so that a broadcast wakes two threads rather than one per member); 0, the default,
     * gives each member a loop of its own, as a node has by default. Not shared by default: on a machine loaded by
     * other work, two threads get far less CPU than 500 (the kernel shares it per thread), and rounds time out. Seen
     * at 500 members on 2 loops: at a load average of 18 every member was reached (cold round 13.6 s, the loops
     * waiting 43 s for a core against 2.9 s run); at 30 to 44 the cold round left 288 members unreached, their
     * handshakes unconfirmed after 60 s, each shared loop having waited 144 s in the run queue against 7.8 s run.
     */
    static final int MEMBER_LOOPS = Integer.getInteger("bench.broadcast.memberLoops", 0);

    /**
     * @param members members receiving each broadcast (the sender not counted)
     * @param cold the first broadcast, handshakes with every member included
     * @param lastDeliveryNanos per warm round: from the call to the last member's receipt
     * @param medianDeliveryNanos per warm round: from the call to the median member's receipt
     * @param handedOverNanos per warm round: from the call until its future completed
     * @param processCpuNanos per warm round: CPU of the whole process (every node's threads) during the round
     * @param senderLoopCpuNanos per warm round: CPU of the sender's event loop during the round
     * @param unicastRttNanos pings from the sender to members over the same sessions
     * @param copies copies received over all rounds, all members (rounds × members when none is lost or doubled)
     * @param failed members a broadcast's result named as not reached, over all rounds
     * @param coldHandshakes handshakes the sender completed, in either role, from the cold broadcast's call to the
     *                       end of the warm rounds: more than one per member means members' punches back (each
     *                       member the sender looks up is asked, through the backbone, to handshake towards it)
     *                       crossed the sender's own handshakes
     * @param restingCores cores the process used over {@code restMillis} ms with no broadcast, all members up:
     *                     their timers, heartbeats and the backbone, the JIT, what every round's process CPU includes
     *                     besides the broadcast
     * @param restingLoopCores of those, the cores the nodes' event loops used (the backbone's included): what their
     *                         timers and keepalives cost, without the JIT and GC
     * @param restMillis how long both were measured
     * @param memberLoops event loop threads the members shared, or 0 when each had a loop of its own
     * @param floors the raw UDP fan-out to as many sockets, one reader thread each and then a few shared readers
     * @param rawUdpRttNanos a raw UDP echo's round trips on loopback, the floor under the unicast RTT
     * @param loopsRunNanos per warm round: how long all event loops (sender's, members', backbone's) ran
     * @param loopsWaitNanos per warm round: how long they were ready but waited in the kernel's run queue for a core
     *                       (both -1 where the kernel does not say)
     * @param onLoop as many warm rounds again, after every member's handler moved onto its event loop (an on-loop
     *               handler, {@code PilotNode.listen(port, handler, max, onLoop)}): what a receiver that never blocks
     *               saves, the hop to the handler pool and back to its loop to end the stream
     */
    public record Result(int members, Round cold, Samples lastDeliveryNanos, Samples medianDeliveryNanos,
                         Samples handedOverNanos, Samples processCpuNanos, Samples senderLoopCpuNanos,
                         Samples unicastRttNanos, long copies, int rounds, int failed, long coldHandshakes,
                         double restingCores, double restingLoopCores, long restMillis, int memberLoops, List<Floor> floors, Samples rawUdpRttNanos,
                         Samples loopsRunNanos, Samples loopsWaitNanos, List<Round> onLoop) {

        /** The median warm round's delivery to the last member, in median unicast round trips. */
        public double lastDeliveryInRtts() {
            return lastDeliveryNanos.median() / unicastRttNanos.median();
        }

        /** The same for the rounds with the members' handlers on their event loops. */
        public double onLoopLastDeliveryInRtts() {
            return Samples.of(onLoop, Round::lastDeliveryNanos).median() / unicastRttNanos.median();
        }
    }

    /**
     * The raw UDP fan-out's warm rounds, measured like the broadcast's.
     *
     * @param readerThreads threads reading the receivers' sockets, 0 for one each
     */
    public record Floor(int readerThreads, Samples lastNanos, Samples medianNanos, Samples sentNanos,
                        Samples processCpuNanos, Samples senderCpuNanos) {

        /** The median round's time to the last receiver, in the broadcast's median unicast round trips. */
        public double lastInRtts(Samples unicastRttNanos) {
            return lastNanos.median() / unicastRttNanos.median();
        }
    }

    /** One round's figures. */
    public record Round(long lastDeliveryNanos, long medianDeliveryNanos, long handedOverNanos, long processCpuNanos,
                        long senderLoopCpuNanos, RunQueue.Times loops) {
    }

    /** Members per profile: the target's 500 in the standard run. */
    static int members(RunProfile profile) {
        return switch (profile.name()) {
            case "standard" -> 500;
            case "quick" -> 200;
            default -> 8;
        };
    }

    /** How long nothing is sent while the resting CPU is measured. */
    static long restMillis(RunProfile profile) {
        return profile.name().equals("standard") ? 3_000 : profile.name().equals("quick") ? 1_000 : 200;
    }

    static int rounds(RunProfile profile) {
        return switch (profile.name()) {
            case "standard" -> 20;
            case "quick" -> 10;
            default -> 3;
        };
    }

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<PilotNode> memberNodes = new ArrayList<>();
    private final List<AutoCloseable> listeners = new ArrayList<>();
    private PilotNode senderNode;
    private final ExecutorService handlers = Executors.newFixedThreadPool(2,
            new DefaultThreadFactory("pilot-handler-broadcast", true));

    public Result run(RunProfile profile) throws InterruptedException {
        int memberCount = members(profile);
        int rounds = rounds(profile);
        List<Floor> floors = List.of(floor(memberCount, 0, rounds), floor(memberCount, FLOOR_SHARED_READERS, rounds));
        Samples rawRtt = rawUdpRtts();
        try {
            PilotNode backboneNode = own(PilotPair.node().sessionSettings(HandshakeRateBenchmark.LIMITS).build().start());
            own(Backbone.start(backboneNode, BackboneSettings.DEFAULTS, DirectoryStore.none()));
            Receipts receipts = new Receipts(memberCount, 2 * rounds + 1);
            SharedEventLoops memberLoops = MEMBER_LOOPS > 0 ? own(SharedEventLoops.create(MEMBER_LOOPS)) : null;
            startMembers(backboneNode, memberCount, receipts, memberLoops);

            Set<Long> loopsBefore = ThreadCpu.eventLoops();
            // A minute for each cold handshake, not the default 10 s: on a loaded machine 500 members' handshakes queue
            // behind each other on their loops, and the cold round measures how long that takes, not a timeout policy.
            senderNode = own(PilotPair.node()
                    .sessionSettings(SessionSettings.DEFAULTS.withConnectTimeout(Duration.ofSeconds(60))).build().start());
            long senderLoop = ThreadCpu.newEventLoop(loopsBefore, ThreadCpu.eventLoops());
            DirectoryClient sender = own(client(backboneNode, senderNode, "sender"));
            sender.start();
            sender.registered().join();
            GroupMessaging groups = GroupMessaging.of(sender);
            DirectoryView view = own(groups.watchMembers(GROUP, MembershipListener.NONE).join());
            waitForMembers(view, memberCount + 1);

            long handshakesBefore = senderNode.stats().handshakesCompleted();
            Round cold = broadcast(groups, receipts, 0, senderLoop);
            List<Round> warm = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                warm.add(broadcast(groups, receipts, round, senderLoop));
            }
            long coldHandshakes = senderNode.stats().handshakesCompleted() - handshakesBefore;
            handleOnLoops(receipts);
            List<Round> onLoop = new ArrayList<>();
            for (int round = rounds + 1; round <= 2 * rounds; round++) {
                onLoop.add(broadcast(groups, receipts, round, senderLoop));
            }
            Samples rtt = unicastRtts(senderNode, view);
            Resting resting = resting(restMillis(profile));
            return new Result(memberCount, cold,
                    Samples.of(warm, Round::lastDeliveryNanos),
                    Samples.of(warm, Round::medianDeliveryNanos),
                    Samples.of(warm, Round::handedOverNanos),
                    Samples.of(warm, Round::processCpuNanos),
                    Samples.of(warm, Round::senderLoopCpuNanos),
                    rtt, receipts.copies(), rounds, receipts.failed.get(), coldHandshakes, resting.processCores(), resting.loopCores(), restMillis(profile), Math.max(0, MEMBER_LOOPS),
                    floors, rawRtt, Samples.of(warm, w -> w.loops().runNanos()),
                    Samples.of(warm, w -> w.loops().waitNanos()), onLoop);
        } finally {
            closeAll();
            handlers.shutdownNow();
        }
    }

    /** Every member's receipts: when each round's message first arrived, and how many copies in all. */
    private static final class Receipts {
        private final int members;
        private final AtomicLongArray arrivals;
        private final AtomicLong copies = new AtomicLong();
        private final AtomicInteger[] received;
        private final AtomicInteger failed = new AtomicInteger();

        Receipts(int members, int rounds) {
            this.members = members;
            this.arrivals = new AtomicLongArray(members * rounds);
            this.received = new AtomicInteger[rounds];
            for (int i = 0; i < rounds; i++) {
                received[i] = new AtomicInteger();
            }
        }

        void arrived(int member, int round) {
            copies.incrementAndGet();
            // Only the last copy of a round wakes the waiting thread: a wake-up per copy would cost every member's
            // thread a futex call the broadcast does not.
            if (arrivals.compareAndSet(round * members + member, 0, System.nanoTime())
                    && received[round].incrementAndGet() == members) {
                synchronized (this) {
                    notifyAll();
                }
            }
        }

        synchronized void awaitRound(int round, long timeoutNanos) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutNanos;
            while (received[round].get() < members) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("round " + round + ": only " + received[round].get() + " of "
                            + members + " members received the broadcast");
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        long[] arrivalsOf(int round) {
            long[] times = new long[members];
            for (int member = 0; member < members; member++) {
                times[member] = arrivals.get(round * members + member);
            }
            return times;
        }

        long copies() {
            return copies.get();
        }
    }

    /**
     * Starts and registers the members, {@value #REGISTRATION_WAVE} at a time: all 500 at once would queue more
     * handshakes and registrations on the backbone's one loop than it answers within a registration's timeout on a
     * loaded machine, and the retries would only add to the queue.
     */
    private void startMembers(PilotNode backboneNode, int count, Receipts receipts, SharedEventLoops loops) {
        List<CompletableFuture<?>> wave = new ArrayList<>();
        for (int member = 0; member < count; member++) {
            // Small socket buffers: 500 members at the default 8 MiB would ask the kernel for 8 GiB.
            PilotNode.Builder builder = PilotPair.node().handlerExecutor(handlers).socketBufferBytes(256 * 1024);
            PilotNode node = own((loops == null ? builder : builder.eventLoops(loops)).build().start());
            memberNodes.add(node);
            int index = member;
            listeners.add(node.listen(PORT, MessageHandler.of(in -> receive(receipts, index, in))));
            DirectoryClient client = own(client(backboneNode, node, String.format(Locale.ROOT, "member-%04d", member)));
            client.start(); // one that times out keeps registering in the background
            wave.add(client.registered());
            if (wave.size() == REGISTRATION_WAVE || member == count - 1) {
                CompletableFuture.allOf(wave.toArray(CompletableFuture[]::new)).join();
                wave.clear();
            }
        }
    }

    private static Message receive(Receipts receipts, int member, IncomingMessage in) {
        receipts.arrived(member, ByteBuffer.wrap(in.message().body()).getInt());
        return Message.empty();
    }

    /**
     * Moves every member's handler onto its event loop: the copy is counted where it is read and the stream ended in
     * the same read batch, no handler thread woken.
     */
    private void handleOnLoops(Receipts receipts) {
        for (int member = 0; member < memberNodes.size(); member++) {
            try {
                listeners.get(member).close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            int index = member;
            memberNodes.get(member).listen(PORT, MessageHandler.of(in -> receive(receipts, index, in)), Integer.MAX_VALUE,
                    in -> receive(receipts, index, in));
        }
    }

    private static DirectoryClient client(PilotNode backboneNode, PilotNode node, String hostname) {
        return DirectoryClient.builder(node).backbone(backboneNode.localEndpoint(), backboneNode.publicKey())
                .hostname(hostname).group(GROUP).build();
    }

    private static void waitForMembers(DirectoryView view, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (view.records().size() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the sender's view of the group holds " + view.records().size()
                        + " of " + expected + " members");
            }
            Thread.sleep(20);
        }
    }

    private Round broadcast(GroupMessaging groups, Receipts receipts, int round, long senderLoop)
            throws InterruptedException {
        Message message = Message.of(ByteBuffer.allocate(4).putInt(round).array());
        // Read before the CPU window opens and after it closes: reading every thread's schedstat costs milliseconds.
        RunQueue.Times loopsBefore = RunQueue.of(EVENT_LOOPS);
        long cpuBefore = ThreadCpu.processCpuNanos();
        long loopBefore = ThreadCpu.threadCpuNanos(senderLoop);
        long start = System.nanoTime();
        CompletableFuture<BroadcastResult> sent = groups.broadcast(GROUP, PORT, message);
        BroadcastResult result = sent.join();
        long handedOver = System.nanoTime() - start;
        receipts.failed.addAndGet(result.failed().size());
        try {
            receipts.awaitRound(round, TimeUnit.SECONDS.toNanos(120));
        } catch (IllegalStateException missing) {
            // Whether the loops were starved of cores (ready but waiting) or idle says where to look for the cause.
            RunQueue.Times loops = RunQueue.of(EVENT_LOOPS).since(loopsBefore);
            throw new IllegalStateException(missing.getMessage() + "; the broadcast named " + result.failed().size()
                    + " unreached" + result.failed().stream().findFirst().map(f -> ", the first: " + f.reason()).orElse("")
                    + String.format(Locale.ROOT, "; over the round the event loops ran %.0f ms and waited %.0f ms in the "
                            + "run queue for a core", loops.runNanos() / 1e6, loops.waitNanos() / 1e6)
                    + "; datagrams dropped by the members: " + drops(memberNodes) + ", by the sender: "
                    + drops(List.of(senderNode)),
                    missing);
        }
        long cpu = ThreadCpu.processCpuNanos() - cpuBefore;
        long loopCpu = ThreadCpu.threadCpuNanos(senderLoop) - loopBefore;
        RunQueue.Times loops = RunQueue.of(EVENT_LOOPS).since(loopsBefore);
        long[] arrivals = receipts.arrivalsOf(round);
        Arrays.sort(arrivals);
        return new Round(arrivals[arrivals.length - 1] - start, arrivals[arrivals.length / 2] - start, handedOver, cpu,
                loopCpu, loops);
    }

    /** The raw UDP fan-out to {@code receivers} sockets: one unmeasured round, then {@code rounds} measured. */
    static Floor floor(int receivers, int readerThreads, int rounds) throws InterruptedException {
        try (UdpFanOut fanOut = new UdpFanOut(receivers, readerThreads)) {
            fanOut.round(0, TimeUnit.SECONDS.toNanos(30));
            List<UdpFanOut.Round> measured = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                measured.add(fanOut.round(round, TimeUnit.SECONDS.toNanos(30)));
            }
            return new Floor(readerThreads,
                    Samples.of(measured, UdpFanOut.Round::lastNanos),
                    Samples.of(measured, UdpFanOut.Round::medianNanos),
                    Samples.of(measured, UdpFanOut.Round::sentNanos),
                    Samples.of(measured, UdpFanOut.Round::processCpuNanos),
                    Samples.of(measured, UdpFanOut.Round::senderCpuNanos));
        }
    }

    /** 150 round trips of a raw 4-byte UDP echo on loopback, after 50 unmeasured ones. */
    private static Samples rawUdpRtts() {
        try (UdpEchoLatency echo = new UdpEchoLatency(4)) {
            long[] rtts = new long[150];
            for (int i = -50; i < rtts.length; i++) {
                long rtt = echo.roundTripNanos();
                if (i >= 0) {
                    rtts[i] = rtt;
                }
            }
            return Samples.of(rtts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The drop counts of {@code nodes} summed by reason, the reasons that counted any: what a failed round lost. */
    private static Map<DropReason, Long> drops(List<PilotNode> nodes) {
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        for (PilotNode node : nodes) {
            node.stats().drops().forEach((reason, count) -> {
                if (count > 0) {
                    drops.merge(reason, count, Long::sum);
                }
            });
        }
        return drops;
    }

    /** Cores the process, and of it the nodes' event loops, use while nothing is sent. */
    private record Resting(double processCores, double loopCores) {
    }

    private static Resting resting(long millis) throws InterruptedException {
        Set<Long> loops = ThreadCpu.eventLoops();
        long loopCpu = loopCpuNanos(loops);
        long cpu = ThreadCpu.processCpuNanos();
        long start = System.nanoTime();
        Thread.sleep(millis);
        double wall = System.nanoTime() - start;
        return new Resting((ThreadCpu.processCpuNanos() - cpu) / wall, (loopCpuNanos(loops) - loopCpu) / wall);
    }

    private static long loopCpuNanos(Set<Long> loops) {
        long sum = 0;
        for (long loop : loops) {
            sum += Math.max(0, ThreadCpu.threadCpuNanos(loop));
        }
        return sum;
    }

    /** Pings from the sender to up to 50 members, one at a time, over the sessions the broadcasts used. */
    private static Samples unicastRtts(PilotNode sender, DirectoryView view) {
        List<Long> rtts = new ArrayList<>();
        view.records().stream().filter(r -> !r.address().equals(sender.address())).limit(50).forEach(member -> {
            for (int i = 0; i < 3; i++) {
                Duration rtt = sender.ping(member.address()).join();
                rtts.add(rtt.toNanos());
            }
        });
        return Samples.of(rtts, Long::longValue);
    }

    private <T extends AutoCloseable> T own(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    /** Clients before nodes, the sender's view first: the reverse of the order they were made in. */
    private void closeAll() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception ignored) {
                // best effort: the rest still closes
            }
        }
        closeables.clear();
    }
}

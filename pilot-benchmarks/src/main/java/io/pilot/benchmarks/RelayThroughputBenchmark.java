package io.pilot.benchmarks;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.pilot.engine.wire.DropReason;

import java.time.Duration;

/**
 * Section 6: what relaying costs a bulk transfer. Section 2's Pilot transfer ({@link PilotBulkTransfer}) runs
 * over two pairs side by side:
 * <ul>
 * <li>direct: two nodes with a session between them ({@link PilotPair#start()});</li>
 * <li>relayed: two nodes that cannot reach each other directly, their session running through a third node
 *     serving as relay ({@link PilotPair#startRelayed()});</li>
 * <li>relayed over TCP: the same, the client's UDP to the relay unanswered, so it reaches the relay over WebSocket,
 *     plain and TLS ({@link PilotPair#startRelayedOverWebSocket(io.pilot.engine.net.TlsFiles)}).</li>
 * </ul>
 * The pairs take turns, one window each per round, after a first, longer round discarded as warm-up (as in
 * section 2). The relayed pair must still be relayed at both ends after the last round, else the section fails:
 * a figure measured partly on a direct path would be meaningless.
 */
public final class RelayThroughputBenchmark {

    /**
     * @param direct MiB/s delivered over the direct pair, one value per measured round
     * @param relayed MiB/s delivered over the relayed pair
     * @param relayedBytes bytes the relay passed on during the measured rounds, both directions (the datagrams it
     *                     forwarded, without the relay headers): {@code relay.relayedBytes()} after minus before
     * @param deliveredBytes body bytes delivered over the relayed pair during the measured rounds
     * @param relayLoopNanos CPU time of the relay's event loop during the measured relayed windows (its system
     *                       calls included)
     * @param relayedWindowNanos total length of those windows
     * @param messageBytes size of each message
     * @param segmentationOffload whether the nodes could send full datagrams as UDP GSO writes (epoll and
     *                            {@code UDP_SEGMENT} available): the direct pair then batches, the relayed one cannot
     * @param packetPayloads the full transport packet each pair's client sent at the end (the path MTU search's
     *                       result, docs/PROTOCOL.md §5.8a): direct, relayed over UDP, relayed over WebSocket
     * @param overBudget datagrams the relay of the UDP-relayed pair dropped during the measured rounds because the
     *                   sender was over its byte budget ({@code RATE_LIMITED})
     */
    public record Result(Samples direct, Samples relayed, long relayedBytes, long deliveredBytes, long relayLoopNanos,
                         long relayedWindowNanos, int messageBytes, boolean segmentationOffload, Samples tcpRelayed,
                         Samples directRtt, Samples relayedRtt, Samples tcpRelayedRtt, Samples tlsRelayed,
                         Samples tlsRelayedRtt, PacketPayloads packetPayloads, long overBudget) {

        /** Median TCP-relayed over median UDP-relayed. */
        public double tcpToUdpRelay() {
            return tcpRelayed.median() / relayed.median();
        }

        /** Median TLS-WebSocket-relayed over median UDP-relayed. */
        public double tlsToUdpRelay() {
            return tlsRelayed.median() / relayed.median();
        }

        /** Median relayed over median direct. */
        public double relayedToDirect() {
            return relayed.median() / direct.median();
        }

        /** Bytes the relay forwarded per body byte delivered: the data plus the acknowledgements coming back. */
        public double relayedPerDelivered() {
            return (double) relayedBytes / deliveredBytes;
        }

        /** The relay's event loop while it relayed, in cores. */
        public double relayLoopCores() {
            return (double) relayLoopNanos / relayedWindowNanos;
        }

        /** Relay event-loop CPU per MiB delivered through it, in microseconds. */
        public double relayMicrosPerMiB() {
            return relayLoopNanos / 1e3 / (deliveredBytes / Transfer.MIB);
        }
    }

    /** Full transport packet sizes, in bytes, of each pair's client at the end of the run. */
    public record PacketPayloads(int direct, int relayed, int tcpRelayed) {
    }

    /** The full packet size the pair's client sends to its server now. */
    private static int packetPayload(PilotPair pair) {
        return pair.client().peer(pair.server().address()).orElseThrow().transport().maxPacketPayload();
    }

    /** Round trips of {@code ping()} over the pair's session (engine-measured), after a warm-up. */
    private static Samples pings(PilotPair pair) {
        for (int i = 0; i < 200; i++) {
            pair.client().ping(pair.server().address()).join();
        }
        long[] rtts = new long[1000];
        for (int i = 0; i < rtts.length; i++) {
            rtts[i] = pair.client().ping(pair.server().address()).join().toNanos();
        }
        return Samples.of(rtts);
    }

    public Result run(RunProfile profile) {
        int rounds = profile.throughputIterations();
        double[] direct = new double[rounds];
        double[] relayed = new double[rounds];
        double[] tcpRelayed = new double[rounds];
        double[] tlsRelayed = new double[rounds];
        try (PilotPair directPair = PilotPair.start(); PilotPair relayedPair = PilotPair.startRelayed();
             PilotPair tcpPair = PilotPair.startRelayedOverWebSocket();
             PilotPair tlsPair = PilotPair.startRelayedOverWebSocket(SelfSignedTls.create().pemFiles())) {
            PilotBulkTransfer directTransfer = new PilotBulkTransfer(directPair, profile.messageBytes());
            PilotBulkTransfer relayedTransfer = new PilotBulkTransfer(relayedPair, profile.messageBytes());
            PilotBulkTransfer tcpTransfer = new PilotBulkTransfer(tcpPair, profile.messageBytes());
            PilotBulkTransfer tlsTransfer = new PilotBulkTransfer(tlsPair, profile.messageBytes());
            long relayedBefore = 0;
            long overBudgetBefore = 0;
            long delivered = 0;
            long relayCpu = 0;
            long relayWall = 0;
            for (int round = -1; round < rounds; round++) {
                Duration window = round < 0 ? profile.warmupWindow() : profile.throughputWindow();
                Transfer d = directTransfer.measure(window);
                if (round == 0) {
                    relayedPair.requireRelayed("before measuring");
                    relayedBefore = relayedPair.relay().relayedBytes();
                    overBudgetBefore = relayedPair.relay().stats().dropped(DropReason.RATE_LIMITED);
                }
                long cpuBefore = ThreadCpu.threadCpuNanos(relayedPair.relayEventLoop());
                Transfer r = relayedTransfer.measure(window);
                long cpuAfter = ThreadCpu.threadCpuNanos(relayedPair.relayEventLoop());
                Transfer t = tcpTransfer.measure(window);
                Transfer s = tlsTransfer.measure(window);
                if (round >= 0) {
                    tcpRelayed[round] = t.mibPerSecond();
                    tlsRelayed[round] = s.mibPerSecond();
                    direct[round] = d.mibPerSecond();
                    relayed[round] = r.mibPerSecond();
                    delivered += r.bytes();
                    relayCpu += cpuAfter - cpuBefore;
                    relayWall += r.nanos();
                }
            }
            relayedPair.requireRelayed("after the last round");
            tcpPair.requireRelayed("after the last round");
            tlsPair.requireRelayed("after the last round");
            long relayedBytes = relayedPair.relay().relayedBytes() - relayedBefore;
            PacketPayloads payloads = new PacketPayloads(packetPayload(directPair), packetPayload(relayedPair),
                    packetPayload(tcpPair));
            return new Result(Samples.of(direct), Samples.of(relayed), relayedBytes, delivered, relayCpu, relayWall,
                    profile.messageBytes(), Epoll.isAvailable() && SegmentedDatagramPacket.isSupported(),
                    Samples.of(tcpRelayed), pings(directPair), pings(relayedPair), pings(tcpPair), Samples.of(tlsRelayed),
                    pings(tlsPair), payloads,
                    relayedPair.relay().stats().dropped(DropReason.RATE_LIMITED) - overBudgetBefore);
        }
    }
}

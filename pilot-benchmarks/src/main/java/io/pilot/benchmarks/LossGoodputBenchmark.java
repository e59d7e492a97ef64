package io.pilot.benchmarks;

import io.pilot.engine.net.Impairment;
import io.pilot.engine.transport.CongestionControl;
import io.pilot.engine.transport.TransportConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Section 4: what Pilot's loss recovery and each congestion controller (NewReno, CUBIC, BBR-style) keep of the
 * lossless throughput when the link drops packets at random. Each controller and loss rate gets its own pair of
 * nodes whose server drops that fraction of datagrams in both directions (data on the way in, acknowledgements on
 * the way out), with a fixed seed so a run can be repeated. The transfer is the same as section 2's
 * ({@link PilotBulkTransfer}); the pairs take turns, one window each per round, and the first round is discarded as
 * warm-up, so every controller sees the same machine load.
 *
 * <p>Besides goodput the section reports wire bytes per delivered byte, which separates the fixed cost
 * of headers and tags (the lossless row) from retransmissions (the excess in the lossy rows).
 */
public final class LossGoodputBenchmark {

    /** Loss rates measured; 0 is the reference. */
    static final double[] LOSS_RATES = {0, 0.01, 0.05};

    private static final long SEED = 20_240_601L;

    /**
     * @param controller the congestion controller both nodes ran
     * @param lossRate fraction of datagrams dropped each way at the server
     * @param goodput MiB/s delivered to the server's handler, per measured round
     * @param wirePerDelivered datagram bytes the client sent per body byte delivered, over all measured rounds
     * @param probeTimeoutsPerRequest times the client's probe timer fired per request, over all measured rounds
     */
    public record Row(CongestionControl controller, double lossRate, Samples goodput, double wirePerDelivered,
                      double probeTimeoutsPerRequest) {
    }

    /** Rows by controller, each in the order of {@link #LOSS_RATES}, the lossless one first. */
    public record Result(List<Row> rows, int messageBytes) {

        /** A row's median goodput over the lossless row's of the same controller. */
        public double relative(Row row) {
            return row.goodput().median() / lossless(row.controller()).goodput().median();
        }

        public Row lossless(CongestionControl controller) {
            return row(controller, 0);
        }

        public Row row(CongestionControl controller, double lossRate) {
            return rows.stream().filter(r -> r.controller() == controller && r.lossRate() == lossRate).findFirst()
                    .orElseThrow();
        }
    }

    private record Case(CongestionControl controller, double lossRate) {
    }

    public Result run(RunProfile profile) {
        List<Case> cases = new ArrayList<>();
        for (CongestionControl controller : CongestionControl.values()) {
            for (double rate : LOSS_RATES) {
                cases.add(new Case(controller, rate));
            }
        }
        int n = cases.size();
        List<PilotPair> pairs = new ArrayList<>(n);
        try {
            List<PilotBulkTransfer> transfers = new ArrayList<>(n);
            for (Case c : cases) {
                TransportConfig transport = TransportConfig.builder().congestionControl(c.controller()).build();
                PilotPair pair = PilotPair.start(c.lossRate() == 0 ? Impairment.NONE : Impairment.loss(c.lossRate(), SEED),
                        transport);
                pairs.add(pair);
                transfers.add(new PilotBulkTransfer(pair, profile.messageBytes()));
            }
            int rounds = profile.lossIterations();
            double[][] goodput = new double[n][rounds];
            long[] delivered = new long[n];
            long[] wireAtStart = new long[n];
            long[] requestsAtStart = new long[n];
            long[] probesAtStart = new long[n];
            for (int round = -1; round < rounds; round++) {
                for (int i = 0; i < n; i++) {
                    if (round == 0) {
                        wireAtStart[i] = transfers.get(i).wireBytesSent();
                        requestsAtStart[i] = transfers.get(i).requests();
                        probesAtStart[i] = transfers.get(i).probeTimeouts();
                    }
                    Transfer t = transfers.get(i).measure(round < 0 ? profile.warmupWindow() : profile.lossWindow());
                    if (round >= 0) {
                        goodput[i][round] = t.mibPerSecond();
                        delivered[i] += t.bytes();
                    }
                }
            }
            List<Row> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                PilotBulkTransfer transfer = transfers.get(i);
                long wire = transfer.wireBytesSent() - wireAtStart[i];
                long requests = transfer.requests() - requestsAtStart[i];
                long probes = transfer.probeTimeouts() - probesAtStart[i];
                rows.add(new Row(cases.get(i).controller(), cases.get(i).lossRate(), Samples.of(goodput[i]),
                        (double) wire / delivered[i], (double) probes / requests));
            }
            return new Result(rows, profile.messageBytes());
        } finally {
            pairs.forEach(PilotPair::close);
        }
    }
}

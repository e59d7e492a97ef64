package io.pilot.benchmarks;

import io.pilot.engine.net.Impairment;

import java.util.ArrayList;
import java.util.List;

/**
 * Section 4: what Pilot's loss recovery and NewReno congestion control keep of the lossless throughput
 * when the link drops packets at random. Each loss rate gets its own pair of nodes whose server drops
 * that fraction of datagrams in both directions (data on the way in, acknowledgements on the way out),
 * with a fixed seed so a run can be repeated. The transfer is the same as section 2's
 * ({@link PilotBulkTransfer}); the pairs take turns, one window each per round, and the first round is
 * discarded as warm-up.
 *
 * <p>Besides goodput the section reports wire bytes per delivered byte, which separates the fixed cost
 * of headers and tags (the lossless row) from retransmissions (the excess in the lossy rows).
 */
public final class LossGoodputBenchmark {

    /** Loss rates measured; 0 is the reference. */
    static final double[] LOSS_RATES = {0, 0.01, 0.05};

    private static final long SEED = 20_240_601L;

    /**
     * @param lossRate fraction of datagrams dropped each way at the server
     * @param goodput MiB/s delivered to the server's handler, per measured round
     * @param wirePerDelivered datagram bytes the client sent per body byte delivered, over all measured rounds
     */
    public record Row(double lossRate, Samples goodput, double wirePerDelivered) {
    }

    /** Rows in the order of {@link #LOSS_RATES}; the first is lossless. */
    public record Result(List<Row> rows, int messageBytes) {

        /** A row's median goodput over the lossless row's. */
        public double relative(Row row) {
            return row.goodput().median() / rows.get(0).goodput().median();
        }
    }

    public Result run(RunProfile profile) {
        int n = LOSS_RATES.length;
        List<PilotPair> pairs = new ArrayList<>(n);
        try {
            List<PilotBulkTransfer> transfers = new ArrayList<>(n);
            for (double rate : LOSS_RATES) {
                PilotPair pair = PilotPair.start(rate == 0 ? Impairment.NONE : Impairment.loss(rate, SEED));
                pairs.add(pair);
                transfers.add(new PilotBulkTransfer(pair, profile.messageBytes()));
            }
            int rounds = profile.lossIterations();
            double[][] goodput = new double[n][rounds];
            long[] delivered = new long[n];
            long[] wireAtStart = new long[n];
            for (int round = -1; round < rounds; round++) {
                for (int i = 0; i < n; i++) {
                    if (round == 0) {
                        wireAtStart[i] = transfers.get(i).wireBytesSent();
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
                long wire = transfers.get(i).wireBytesSent() - wireAtStart[i];
                rows.add(new Row(LOSS_RATES[i], Samples.of(goodput[i]), (double) wire / delivered[i]));
            }
            return new Result(rows, profile.messageBytes());
        } finally {
            pairs.forEach(PilotPair::close);
        }
    }
}

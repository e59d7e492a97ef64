package io.pilot.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Section 2: single-stream encrypted bulk throughput. Three contenders on the same loopback:
 * <ul>
 * <li>Pilot: back-to-back requests of {@link RunProfile#messageBytes()} over one session
 *     ({@link PilotBulkTransfer});</li>
 * <li>TLS 1.3 over TCP, Netty with the JDK provider, AES-256-GCM ({@link TlsBulkTransfer});</li>
 * <li>raw UDP, 1200-byte datagrams, unencrypted and unreliable ({@link UdpBlast}).</li>
 * </ul>
 * They run in turns, one window each per round, so each round compares them under the same machine state;
 * a first, longer round ({@link RunProfile#warmupWindow()}) warms up all three and is discarded. The figure
 * per contender is the median over rounds of the application bytes the receiver got per second.
 */
public final class ThroughputBenchmark {

    /**
     * @param pilot Pilot MiB/s, one value per measured round
     * @param tls TLS MiB/s
     * @param udp raw UDP MiB/s delivered
     * @param udpLoss fraction of raw UDP datagrams the kernel dropped, per round
     * @param tlsSuite negotiated TLS protocol and cipher suite
     * @param messageBytes size of each Pilot message
     */
    public record Result(Samples pilot, Samples tls, Samples udp, Samples udpLoss, String tlsSuite, int messageBytes) {

        /** Median Pilot over median TLS. */
        public double pilotToTls() {
            return pilot.median() / tls.median();
        }
    }

    public Result run(RunProfile profile) throws InterruptedException {
        int rounds = profile.throughputIterations();
        double[] pilot = new double[rounds];
        double[] tls = new double[rounds];
        double[] udp = new double[rounds];
        double[] udpLoss = new double[rounds];
        try (PilotPair pair = PilotPair.start(); TlsBulkTransfer tlsTransfer = new TlsBulkTransfer();
             UdpBlast blast = new UdpBlast()) {
            PilotBulkTransfer pilotTransfer = new PilotBulkTransfer(pair, profile.messageBytes());
            for (int round = -1; round < rounds; round++) {
                Duration window = round < 0 ? profile.warmupWindow() : profile.throughputWindow();
                Transfer p = pilotTransfer.measure(window);
                Transfer t = tlsTransfer.measure(window);
                UdpBlast.Blast u = blast.measure(window);
                if (round >= 0) {
                    pilot[round] = p.mibPerSecond();
                    tls[round] = t.mibPerSecond();
                    udp[round] = u.delivered().mibPerSecond();
                    udpLoss[round] = u.lossFraction();
                }
            }
            return new Result(Samples.of(pilot), Samples.of(tls), Samples.of(udp), Samples.of(udpLoss),
                    tlsTransfer.cipherSuite(), profile.messageBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

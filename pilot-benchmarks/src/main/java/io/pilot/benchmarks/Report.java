package io.pilot.benchmarks;

/**
 * Everything one run measured, with where and how it was measured. A section that was not run is null.
 *
 * @param environment machine and JVM
 * @param profile durations and counts used
 * @param command the command line that produced the run
 * @param seconds wall-clock length of the run
 * @param loadAverageAtEnd the one-minute load average when the run ended (the run itself adds about 2)
 * @param primitives the handshake's primitives by provider, measured with section 3
 * @param directoryScale section 9; also null when etcd is not installed
 * @param broadcast section 10
 */
public record Report(Environment environment, RunProfile profile, String command, long seconds,
                     double loadAverageAtEnd,
                     PingLatencyBenchmark.Result ping, ThroughputBenchmark.Result throughput,
                     HandshakeRateBenchmark.Result handshakes, CryptoPrimitivesBenchmark.Result primitives,
                     LossGoodputBenchmark.Result loss,
                     BackboneBenchmark.Result backbone, RelayThroughputBenchmark.Result relay,
                     CallBenchmark.Result calls, StreamBenchmark.Result streams,
                     DirectoryScaleBenchmark.Result directoryScale, BackboneSessionsBenchmark.Result sessions,
                     BroadcastBenchmark.Result broadcast) {
}

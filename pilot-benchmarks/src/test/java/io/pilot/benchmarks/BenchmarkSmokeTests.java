package io.pilot.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.transport.CongestionControl;

import java.util.EnumSet;

import org.junit.jupiter.api.Test;

/**
 * Runs every benchmark for a fraction of a second ({@link RunProfile#smoke()}) and checks that the figures
 * are sane and the report renders. Proves the wiring; says nothing about performance.
 */
class BenchmarkSmokeTests {

    @Test
    void everyBenchmarkProducesPositiveFiguresAndTheReportRendersThem() throws InterruptedException {
        // Sections 5b, 7, 9 and 10 start processes or hundreds of nodes; SessionsSmokeTests, CallBenchmarkSmokeTests,
        // DirectoryScaleSmokeTests and BroadcastBenchmarkSmokeTests cover them.
        Report report = BenchmarkRunner.run(RunProfile.smoke(), EnumSet.complementOf(EnumSet.of(BenchmarkRunner.Section.SESSIONS,
                BenchmarkRunner.Section.CALLS, BenchmarkRunner.Section.DIRECTORY_SCALE, BenchmarkRunner.Section.BROADCAST)),
                "smoke test");

        PingLatencyBenchmark.Result ping = report.ping();
        assertThat(ping.rawUdp().median()).isPositive();
        assertThat(ping.pilotCaller().median()).isPositive();
        assertThat(ping.pilotEngine().median()).isPositive().isLessThanOrEqualTo(ping.pilotCaller().max());
        assertThat(ping.pilotRequest().count()).isEqualTo(ping.rawUdp().count());
        assertThat(ping.pilotRequest().median()).isPositive();
        // The process's CPU time comes in clock ticks (10 ms): a smoke run's few echoes may not reach one.
        assertThat(ping.pingCpuNanos()).isNotNegative();
        assertThat(ping.rawUdpCpuNanos()).isNotNegative();
        assertThat(ping.pingAllocatedBytes()).as("a ping allocates at least its message").isPositive();

        ThroughputBenchmark.Result throughput = report.throughput();
        assertThat(throughput.pilot().min()).isPositive();
        assertThat(throughput.tls().min()).isPositive();
        assertThat(throughput.udp().min()).isPositive();
        assertThat(throughput.tlsSuite()).isEqualTo("TLSv1.3 " + SelfSignedTls.CIPHER_SUITE);

        HandshakeRateBenchmark.Result handshakes = report.handshakes();
        assertThat(handshakes.failures()).isZero();
        assertThat(handshakes.perSecond().min()).isPositive();
        assertThat(handshakes.latencyNanos().count()).isEqualTo(RunProfile.smoke().handshakesPerBatch());
        CryptoPrimitivesBenchmark.Result primitives = report.primitives();
        assertThat(primitives.rows()).extracting(CryptoPrimitivesBenchmark.Row::primitive)
                .contains("X25519 agreement (BouncyCastle rfc7748)", "Ed25519 verify (JDK SunEC EdDSA, Signature reused)")
                .last().asString().startsWith("whole handshake, both sides");
        assertThat(primitives.rows()).allSatisfy(row -> assertThat(row.cpuMicros()).isPositive().isFinite());

        LossGoodputBenchmark.Result loss = report.loss();
        assertThat(loss.rows()).hasSize(LossGoodputBenchmark.LOSS_RATES.length * CongestionControl.values().length);
        loss.rows().forEach(row -> {
            assertThat(row.goodput().min()).isPositive();
            assertThat(row.wirePerDelivered()).isGreaterThan(1.0);
        });

        BackboneBenchmark.Result backbone = report.backbone();
        assertThat(backbone.failures()).isZero();
        // The section's lease is 2 s (heartbeats every 667 ms): on a busy 2-core machine a heartbeat can come after
        // its lease lapsed, which the backbone refuses with NOT_REGISTERED and the client answers by registering
        // again (seen in CI); and a registration the transport delivered late, after the client's retry had already
        // published a newer sequence, is refused with STALE_SEQUENCE, after which the client continues from the
        // sequence held (seen on a loaded machine). Both are the client's recovery paths; any other refusal is a fault.
        assertThat(backbone.refusals()).allSatisfy((error, count) ->
                assertThat(error).isIn(DirectoryError.NOT_REGISTERED, DirectoryError.STALE_SEQUENCE));
        assertThat(backbone.sequentialStartNanos().min()).isPositive();
        assertThat(backbone.registerOnlyNanos().min()).isPositive();
        assertThat(backbone.registrationsPerSecond()).isPositive();
        assertThat(backbone.discoverableNanos().count()).isEqualTo(RunProfile.smoke().backboneAgents());
        assertThat(backbone.discoverableNanos().min()).isPositive();
        assertThat(backbone.hold().minHeld()).isEqualTo(backbone.hold().registered());
        assertThat(backbone.hold().lapsed()).isZero();
        assertThat(backbone.loads()).hasSize(BackboneBenchmark.Load.values().length);
        backbone.loads().values().forEach(load -> {
            assertThat(load.perSecond().min()).isPositive();
            assertThat(load.backboneMicros()).isPositive();
        });
        // The generators' own side: their CPU comes in clock ticks (10 ms), which a smoke window may not reach.
        BackboneBenchmark.GeneratorCost generators = backbone.loads().get(BackboneBenchmark.Load.LOOKUP_HOSTNAME_GENERATORS)
                .generators();
        assertThat(generators.micros()).isNotNegative();
        assertThat(generators.lookupsPerDatagramOut()).isPositive();
        assertThat(generators.lookupsPerDatagramIn()).isPositive();
        assertThat(backbone.inProcess().records()).isEqualTo(RunProfile.smoke().backboneRecords());
        assertThat(backbone.inProcess().registerPerSecond()).isPositive();
        assertThat(backbone.inProcess().lookupHostnamePerSecond()).isPositive();
        assertThat(backbone.inProcess().lookupCapabilityPerSecond()).isPositive();
        assertThat(backbone.inProcess().heartbeatPerSecond()).isPositive();
        assertThat(backbone.inProcess().signedRecordBytes()).isPositive();

        RelayThroughputBenchmark.Result relay = report.relay();
        assertThat(relay.direct().min()).isPositive();
        assertThat(relay.relayed().min()).isPositive();
        assertThat(relay.deliveredBytes()).isPositive();
        // Everything delivered went through the relay (the pair is checked to be relayed before and after).
        assertThat(relay.relayedPerDelivered()).isGreaterThan(1.0);
        assertThat(relay.relayLoopCores()).isPositive();
        // The WebSocket rows, plain and TLS: each pair was checked to be relayed over TCP (PilotPair).
        assertThat(relay.tcpRelayed().min()).isPositive();
        assertThat(relay.tlsRelayed().min()).isPositive();
        assertThat(relay.tlsRelayedRtt().min()).isPositive();

        StreamBenchmark.Result streams = report.streams();
        assertThat(streams.rows()).extracting(StreamBenchmark.Row::window).containsExactly(32, 256);
        streams.rows().forEach(row -> {
            assertThat(row.itemsPerSecond().min()).isPositive();
            assertThat(row.firstItemNanos().min()).isPositive();
        });

        String markdown = new MarkdownReport(report).render();
        assertThat(markdown).contains("## 1.", "Pilot `request()`", "## 2.", "## 3.", "### The handshake's primitives, provider against provider",
                        "## 4.", "## 5.", "## 6.", "## 8.", "`smoke test`")
                .doesNotContain("## 7.", "NaN", "Infinity");
    }

    @Test
    void samplesUseNearestRankPercentiles() {
        Samples samples = Samples.of(5, 1, 4, 2, 3);
        assertThat(samples.median()).isEqualTo(3);
        assertThat(samples.percentile(80)).isEqualTo(4);
        assertThat(samples.percentile(100)).isEqualTo(5);
        assertThat(samples.percentile(1)).isEqualTo(1);
        assertThat(samples.relativeSpread()).isEqualTo(2.0 / 3);
    }
}

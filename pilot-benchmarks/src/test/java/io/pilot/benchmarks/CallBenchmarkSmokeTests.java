package io.pilot.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;

import org.junit.jupiter.api.Test;

/**
 * Section 7 for a fraction of its length ({@link RunProfile#smoke()}): the bench app really starts as processes
 * (provider, caller, then a spare, a provider joining beside it (one of the two is then killed) and a joining provider), nats-server really starts, and the caller answers calls of
 * each kind: Pilot, HTTP and NATS. Proves the wiring, says nothing about speed. The apps are started from
 * pilot-benchmarks-boot's classes, as a {@code test} build has no jar yet.
 */
class CallBenchmarkSmokeTests {

    private static final Path APP = Path.of("..", "pilot-benchmarks-boot", "target");

    @Test
    void theBenchAppsStartAndAnswerCallsOfEachKind() throws IOException, InterruptedException {
        assumeTrue(NatsServer.find().isPresent(), "nats-server is not installed, so section 7's smoke test is skipped: "
                + "apt-get install nats-server (.ci/run installs it)");
        String classpath = APP.resolve("classes").toAbsolutePath() + File.pathSeparator
                + Files.readString(APP.resolve("app.classpath"), StandardCharsets.UTF_8).trim();

        Report report = BenchmarkRunner.run(RunProfile.smoke(), EnumSet.of(BenchmarkRunner.Section.CALLS),
                "smoke test", () -> BenchAppLaunch.classpath(classpath));

        CallBenchmark.Result calls = report.calls();
        assertThat(calls.natsMissing()).isNull();
        int samples = RunProfile.smoke().callSamples();
        for (CallBenchmark.Latency latency : new CallBenchmark.Latency[] {calls.pilot(), calls.pilotOnLoop(), calls.http(), calls.nats()}) {
            assertThat(latency.failures()).as(latency.firstError()).isZero();
            assertThat(latency.nanos().count()).isEqualTo(samples);
            assertThat(latency.nanos().min()).isPositive();
        }
        for (CallBenchmark.Rate rate : new CallBenchmark.Rate[] {calls.pilotRate(), calls.pilotOnLoopRate(), calls.httpRate(), calls.natsRate()}) {
            assertThat(rate.failures()).as(rate.firstError()).isZero();
            assertThat(rate.perSecond().min()).isPositive();
            // 64 threads calling for a window use the caller's CPU; the provider's may round to no clock tick.
            assertThat(rate.cpu().callerMicros()).isPositive();
            assertThat(rate.cpu().providerMicros()).isNotNegative();
        }
        assertThat(calls.natsRate().cpu().brokerMicros()).as("nats-server's CPU per call").isNotNull().isNotNegative();
        assertThat(calls.pilotRate().cpu().brokerMicros()).as("no broker on Pilot's path").isNull();
        // Pilot's calls travel in UDP datagrams, counted on this Linux machine: some per window, at most a few per call.
        assertThat(calls.pilotRate().udpDatagramsPerCall()).isNotNull().isPositive().isLessThan(4);
        // The caller moved to the remaining provider after the leave, and found the joining one.
        assertThat(calls.leave().micros()).isNotNull().isNotNegative();
        assertThat(calls.join().micros()).isNotNull().isNotNegative();
        // Beside another provider the newcomer is chosen once probed and its turn comes round; then one of the two
        // dies and the caller follows. In the smoke profile's short window that turn may not come (the report then
        // says "not measured" for both rows, which the rendering below still shows); when it does, both are figures.
        if (calls.joinBeside().micros() != null) {
            assertThat(calls.joinBeside().micros()).isNotNegative();
            assertThat(calls.death()).isNotNull();
            assertThat(calls.death().micros()).isNotNull().isNotNegative();
        }
        assertThat(calls.backboneUp().failures()).as(calls.backboneUp().firstError()).isZero();
        assertThat(calls.backboneUp().nanos().count()).isEqualTo(Math.max(1, samples / 5));
        // Two Boot apps, the backbone stopped: every call to the provider the caller knows is answered (issue 11).
        assertThat(calls.backboneDown().failures()).as(calls.backboneDown().firstError()).isZero();
        assertThat(calls.backboneDown().nanos()).as("calls made with the backbone stopped").isNotNull();
        assertThat(calls.backboneDown().nanos().count()).isEqualTo(Math.max(1, samples / 5));

        assertThat(new MarkdownReport(report).render()).contains("## 7.", "NATS request-reply through `nats-server`", "Join to first chosen (beside another provider)",
                        "Death (SIGKILL) to no longer chosen", "NATS's CPU per call")
                .doesNotContain("NaN", "Infinity", "## 1.");
    }
}

package io.pilot.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;

import org.junit.jupiter.api.Test;

/**
 * Section 5b at a few dozen sessions ({@link RunProfile#smoke()}): two {@link SessionLoadGenerator} processes really
 * start, every session handshakes with the backbone from its own port, registers and heartbeats, the backbone holds
 * them all, and the section renders. Proves the wiring, says nothing about speed.
 */
class SessionsSmokeTests {

    @Test
    void generatorProcessesHoldRealSessionsWithTheBackboneAndTheSectionRenders() throws InterruptedException {
        Report report = BenchmarkRunner.run(RunProfile.smoke(), EnumSet.of(BenchmarkRunner.Section.SESSIONS), "smoke test");

        BackboneSessionsBenchmark.Result sessions = report.sessions();
        int wanted = BackboneSessionsBenchmark.Settings.of(RunProfile.smoke()).sessions();
        assertThat(sessions.stoppedBy()).isEqualTo("all held");
        assertThat(sessions.opened()).isEqualTo(wanted);
        assertThat(sessions.heldSessions()).isEqualTo(wanted);
        assertThat(sessions.registrations()).isEqualTo(wanted);
        assertThat(sessions.failed()).isZero();
        assertThat(sessions.generators()).hasSize(2).allSatisfy(g -> {
            // One handshake a session, and one more for each it had to start again (none on a quiet machine).
            assertThat(g.handshakes()).isBetween((long) g.opened(), g.opened() + g.reconnects());
            assertThat(g.heartbeats()).isPositive();
        });
        assertThat(sessions.refusals()).isEmpty();
        assertThat(new MarkdownReport(report).render()).contains("### Real sessions held by one backbone",
                "Sessions held by the backbone", "Recovered as a node would", "Backbone CPU per 1,000 sessions held");
        // The smoke run's lease is shorter than the default: one hold, at its own heartbeat rate.
        assertThat(sessions.atDefaultRate()).isNull();
        assertThat(sessions.atLease().heartbeatsPerSecond()).isPositive();
        assertThat(sessions.atLease().datagramsPerSecond()).isPositive();
    }
}

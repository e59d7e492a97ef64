package io.pilot.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.spring.runtime.Runtimes;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class PilotHealthIndicatorTests {

    @Test
    void whenTheAgentHasNotStartedYetThenThePilotComponentIsOutOfServiceAndStarting() {
        Health health = new PilotHealthIndicator(Runtimes.notStarted()).health();
        assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(health.getDetails()).containsEntry("state", "starting");
    }

    @Test
    void theBackboneUnreachableStatusHasItsOwnCode() {
        assertThat(PilotHealthIndicator.BACKBONE_UNREACHABLE.getCode()).isEqualTo("BACKBONE_UNREACHABLE");
        assertThat(Status.DEFAULT_ORDER).doesNotContain(PilotHealthIndicator.BACKBONE_UNREACHABLE);
    }
}

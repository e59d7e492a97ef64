package io.pilot.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.spring.autoconfigure.PilotProperties;
import io.pilot.spring.autoconfigure.PilotRuntime;
import io.pilot.spring.capability.CapabilityRegistry;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.core.env.StandardEnvironment;

import tools.jackson.databind.json.JsonMapper;

class PilotHealthIndicatorTests {

    @Test
    void whenTheAgentHasNotStartedYetThenThePilotComponentIsOutOfServiceAndStarting() {
        PilotRuntime notStarted = new PilotRuntime(new PilotProperties(), new CapabilityRegistry(), new JsonMapper(),
                new StandardEnvironment());
        Health health = new PilotHealthIndicator(notStarted).health();
        assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(health.getDetails()).containsEntry("state", "starting");
    }

    @Test
    void theBackboneUnreachableStatusHasItsOwnCode() {
        assertThat(PilotHealthIndicator.BACKBONE_UNREACHABLE.getCode()).isEqualTo("BACKBONE_UNREACHABLE");
        assertThat(Status.DEFAULT_ORDER).doesNotContain(PilotHealthIndicator.BACKBONE_UNREACHABLE);
    }
}

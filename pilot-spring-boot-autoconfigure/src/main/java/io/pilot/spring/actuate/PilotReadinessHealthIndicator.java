package io.pilot.spring.actuate;

import io.pilot.spring.runtime.PilotRuntime;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code pilotReadiness} health component, for a readiness group: {@code OUT_OF_SERVICE} until the agent
 * has registered with the backbone for the first time, {@code UP} from then on while it runs. Add it to the
 * group to hold traffic back from an application whose work needs the agent to be found (or to find others):
 * {@code management.endpoint.health.group.readiness.include=readinessState,pilotReadiness}.
 *
 * <p>It does not fall back to {@code OUT_OF_SERVICE} when the backbone goes away later: every replica would
 * lose it at once and the whole service would leave its load balancer, while established tunnels and cached
 * records keep working. That state is the {@code pilot} component's {@code BACKBONE_UNREACHABLE}.
 */
public class PilotReadinessHealthIndicator extends AbstractHealthIndicator {

    private final PilotRuntime runtime;

    public PilotReadinessHealthIndicator(PilotRuntime runtime) {
        super("Pilot readiness check failed");
        this.runtime = runtime;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (!runtime.isRunning()) {
            builder.outOfService().withDetail("state", "not running");
        } else if (runtime.directory().record().isEmpty()) {
            builder.outOfService().withDetail("state", "registering").withDetail("backboneStatus", runtime.directory().status().name());
        } else {
            builder.up();
        }
    }
}

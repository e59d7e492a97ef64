package io.pilot.spring.actuate;

import io.pilot.engine.PilotNode;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.spring.runtime.PilotRuntime;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code pilot} health component: whether this application's Pilot node runs and is registered with
 * the backbone.
 * <ul>
 * <li>{@link Status#UP}: the node runs and its registration with the backbone is alive.</li>
 * <li>{@link #BACKBONE_UNREACHABLE}: the node runs but the backbone does not answer. Established tunnels
 * and cached directory records keep working and registration is retried, but new peers cannot find this
 * node. The status is not in Boot's default status order, so on its own it does not change the
 * application's aggregate status; to make it count, add it to {@code management.endpoint.health.status.order}
 * (e.g. {@code DOWN,OUT_OF_SERVICE,BACKBONE_UNREACHABLE,UP,UNKNOWN}) and map it with
 * {@code management.endpoint.health.status.http-mapping.BACKBONE_UNREACHABLE=503}.</li>
 * <li>{@link Status#OUT_OF_SERVICE} with {@code state=starting}: the node has not finished starting
 * (the web server may answer before the agent has registered) or is not yet registered.</li>
 * <li>{@link Status#DOWN} with {@code state=stopped}: the node was started and is closed (stopped, or
 * its start failed).</li>
 * </ul>
 * Details: {@code address}, {@code hostname}, {@code realm}, {@code backbone} (its Pilot address),
 * {@code backboneStatus}, {@code sessions} and, when the backbone is unreachable, {@code error}.
 */
public class PilotHealthIndicator extends AbstractHealthIndicator {

    /** The node runs but the backbone does not answer. */
    public static final Status BACKBONE_UNREACHABLE = new Status("BACKBONE_UNREACHABLE",
            "The backbone does not answer: established tunnels and cached records keep working, new peers cannot find this node");

    private final PilotRuntime runtime;

    public PilotHealthIndicator(PilotRuntime runtime) {
        super("Pilot health check failed");
        this.runtime = runtime;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (!runtime.isRunning()) {
            notRunning(builder);
            return;
        }
        PilotNode node = runtime.node();
        DirectoryClient directory = runtime.directory();
        builder.withDetail("address", node.address().toString());
        directory.record().map(NodeRecord::hostname).ifPresent(hostname -> builder.withDetail("hostname", hostname));
        builder.withDetail("realm", node.address().realm());
        directory.backbone().ifPresent(backbone -> builder.withDetail("backbone", backbone.toString()));
        builder.withDetail("backboneStatus", directory.status().name());
        builder.withDetail("sessions", node.stats().sessions());
        switch (directory.status()) {
            case REGISTERED -> builder.up();
            case BACKBONE_UNREACHABLE -> builder.status(BACKBONE_UNREACHABLE).withDetail("error", directory.lastError());
            case STARTING -> builder.outOfService().withDetail("state", "starting");
        }
    }

    /**
     * Not running: either not started yet (no node, or a node still registering) or stopped (its node is
     * closed and no longer answers).
     */
    private void notRunning(Health.Builder builder) {
        PilotNode node;
        try {
            node = runtime.node();
        } catch (IllegalStateException notYet) {
            builder.outOfService().withDetail("state", "starting");
            return;
        }
        builder.withDetail("address", node.address().toString());
        try {
            node.stats();
        } catch (IllegalStateException closed) {
            builder.down().withDetail("state", "stopped");
            return;
        }
        builder.outOfService().withDetail("state", "starting");
    }
}

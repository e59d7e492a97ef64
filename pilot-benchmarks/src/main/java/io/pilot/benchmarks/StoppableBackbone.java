package io.pilot.benchmarks;

import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Section 7's backbone: the engine's {@link Backbone} in the runner's JVM, which the runner stops (its node closed, as
 * if its process died: it forgets every registration and watch) and starts again with the same key on the same
 * endpoint, so that the apps, which pin its key, find it again on their own and register anew.
 */
final class StoppableBackbone implements AutoCloseable {

    private final Identity identity;
    private final InetSocketAddress endpoint;
    private PilotNode node;
    private Backbone backbone;

    StoppableBackbone() {
        start(PilotPair.node().answerStun(true));
        this.identity = node.identity();
        this.endpoint = node.localEndpoint();
    }

    private void start(PilotNode.Builder builder) {
        node = builder.build().start();
        try {
            backbone = Backbone.start(node, BackboneSettings.DEFAULTS, DirectoryStore.none());
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    InetSocketAddress endpoint() {
        return endpoint;
    }

    NodeKey publicKey() {
        return identity.publicKey();
    }

    void stop() {
        backbone.close();
        node.close();
    }

    /** Starts it again, with an empty directory, and waits up to {@code timeout} until {@code agents} registered. */
    void restart(int agents, Duration timeout) throws InterruptedException {
        start(PilotPair.node().identity(identity).bindAddress(endpoint).answerStun(true));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (backbone.registrations() < agents) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(agents + " agents did not register with the restarted backbone within "
                        + timeout + " (" + backbone.registrations() + " did)");
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        stop();
    }
}

package io.pilot.engine;

import io.pilot.engine.identity.Identity;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts nodes on loopback for a test and closes them after it. Register with
 * {@code @RegisterExtension TestNodes nodes = new TestNodes();}.
 */
public final class TestNodes implements AfterEachCallback {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<PilotNode> started = new ArrayList<>();

    /** A started node bound to 127.0.0.1 on an ephemeral port with a fresh in-memory identity. */
    public PilotNode start() {
        return start(b -> b);
    }

    public PilotNode start(UnaryOperator<PilotNode.Builder> customizer) {
        PilotNode.Builder builder = PilotNode.builder().identity(Identity.generate(RANDOM)).bindAddress("127.0.0.1", 0);
        PilotNode node = customizer.apply(builder).build().start();
        started.add(node);
        return node;
    }

    public static Identity newIdentity() {
        return Identity.generate(RANDOM);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        started.forEach(PilotNode::close);
        started.clear();
    }
}

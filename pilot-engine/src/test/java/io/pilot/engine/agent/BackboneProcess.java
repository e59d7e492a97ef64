package io.pilot.engine.agent;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.backbone.BackboneSettings;

import java.nio.file.Path;

/**
 * A backbone in a process of its own, for tests that kill, restart or isolate one (the real launcher,
 * {@code BackboneMain}, lives in pilotctl, above the engine):
 * {@code BackboneProcess HOST:PORT IDENTITY_FILE [STORE_DIR]}. Prints {@code BACKBONE <address> <endpoint> <key>}
 * once it serves, as {@code BackboneMain} does; exits 1 saying why if it cannot start.
 */
public final class BackboneProcess {

    private BackboneProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        Agent backbone;
        try {
            backbone = Agent.builder(PilotNode.builder().bindAddress(HostPort.parseBind(args[0]))
                            .identityPath(Path.of(args[1])).answerStun(true))
                    .serveBackbone(BackboneSettings.DEFAULTS, args.length > 2 ? Path.of(args[2]) : null).build().start();
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
            return;
        }
        backbone.closeOnShutdown();
        PilotNode node = backbone.node();
        System.out.println("BACKBONE " + node.address() + " " + HostPort.format(node.localEndpoint()) + " " + node.publicKey());
        System.out.flush();
        backbone.awaitClosed();
    }
}

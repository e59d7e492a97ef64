package io.pilot.cli;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.agent.Agent;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.identity.NodeKey;

/**
 * The standalone node as an {@link Agent}: registered with the backbone under its hostname, serving its
 * control socket, until {@code stop} arrives on that socket or the agent is closed (a shutdown hook, on
 * SIGTERM). {@link DaemonMain} runs one in its own process, {@code pilotctl daemon start --foreground} in
 * pilotctl's.
 */
final class Daemon {

    private Daemon() {
    }

    /**
     * Starts the node, registers it and opens its control socket; returns once it is discoverable.
     *
     * @throws RuntimeException saying why it could not (the backbone refused or did not answer, the socket
     *         is held by a live node...); whatever was started is closed again
     */
    static Agent start(DaemonSettings settings) {
        PilotNode.Builder node = PilotNode.builder().identityPath(settings.identityFile())
                .bindAddress(HostPort.parseBind(settings.bind()));
        NodeKey backboneKey = settings.backboneKey() == null ? null : NodeKey.parse(settings.backboneKey());
        return Agent.builder(node).hostname(settings.hostname()).joinToken(settings.joinToken())
                .backbones(settings.backbones(), backboneKey)
                .backboneProxy(settings.proxySettings())
                .directory(directory -> {
                    settings.groups().forEach(directory::group);
                    settings.capabilities().forEach(directory::capability);
                })
                .control(settings.socketFile(), commands -> commands.identityPath(settings.identityFile()))
                .build().start();
    }

    /** Why the start failed, for the operator: with the options that give a join token when that was refused. */
    static String startFailure(RuntimeException e) {
        String why = e.getMessage();
        if (e.getCause() instanceof DirectoryException refusal && (refusal.error() == DirectoryError.JOIN_TOKEN_REQUIRED
                || refusal.error() == DirectoryError.JOIN_TOKEN_INVALID)) {
            return why + "; give the realm's join token with --join-token-file FILE, --join-token - (standard input)"
                    + " or " + SecretOption.JOIN_TOKEN.variable();
        }
        return why;
    }
}

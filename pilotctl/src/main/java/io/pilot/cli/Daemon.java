package io.pilot.cli;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.control.ControlCommands;
import io.pilot.engine.control.ControlServer;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.group.GroupMessaging;
import io.pilot.engine.identity.NodeKey;

import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;

/**
 * A running standalone node: registered with the backbone under its hostname, serving its control socket,
 * until {@code stop} arrives on that socket or {@link #close} is called (a shutdown hook, on SIGTERM).
 * {@link DaemonMain} runs one in its own process, {@code pilotctl daemon start --foreground} in pilotctl's.
 */
final class Daemon implements AutoCloseable {

    private final PilotNode node;
    private final DirectoryClient directory;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ControlServer control;
    private boolean closed;

    private Daemon(PilotNode node, DirectoryClient directory) {
        this.node = node;
        this.directory = directory;
    }

    /**
     * Starts the node, registers it and opens its control socket; returns once it is discoverable.
     *
     * @throws IllegalStateException saying why it could not (the backbone refused or did not answer, the
     *         socket is held by a live node...); whatever was started is closed again
     */
    static Daemon start(DaemonSettings settings) {
        PilotNode node = PilotNode.builder().identityPath(settings.identityFile())
                .bindAddress(HostPort.parseBind(settings.bind())).build().start();
        DirectoryClient.Builder builder = DirectoryClient.builder(node).hostname(settings.hostname())
                .backbone(HostPort.parse(settings.backbone()),
                        settings.backboneKey() == null ? null : NodeKey.parse(settings.backboneKey()));
        settings.groups().forEach(builder::group);
        settings.capabilities().forEach(builder::capability);
        Daemon daemon = new Daemon(node, builder.build());
        try {
            daemon.directory.start().join();
            daemon.control = ControlServer.start(settings.socketFile(), ControlCommands.builder(node)
                    .directory(daemon.directory).groups(GroupMessaging.of(daemon.directory))
                    .identityPath(settings.identityFile()).onStop(daemon::shutdown).build());
        } catch (RuntimeException e) {
            daemon.close();
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(cause.getMessage(), cause);
        }
        return daemon;
    }

    PilotAddress address() {
        return node.address();
    }

    Path socket() {
        return control.socketPath();
    }

    /** Blocks until {@code stop} arrived on the control socket or the daemon was closed. */
    void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /**
     * The control socket's {@code stop}: deregisters and closes the node. It runs on a control worker, so
     * the socket is closed afterwards by {@link #close} on another thread, once the answer went out.
     */
    private void shutdown() {
        directory.close();
        node.close();
        stopped.countDown();
    }

    /** Closes the control socket (removing its file), deregisters and closes the node. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (control != null) {
            control.close();
        }
        shutdown();
    }
}

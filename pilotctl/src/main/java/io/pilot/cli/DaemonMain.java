package io.pilot.cli;

import io.pilot.engine.PilotNode;
import io.pilot.engine.control.ControlCommands;
import io.pilot.engine.control.ControlPaths;
import io.pilot.engine.control.ControlServer;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.group.GroupMessaging;
import io.pilot.engine.identity.NodeKey;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone agent daemon that {@code pilotctl daemon start} launches: a node registered with the
 * backbone under a hostname, serving its control socket until told to stop (or SIGTERM). Prints one line
 * for its launcher once it is discoverable: {@code READY <address> <control socket>}.
 * <pre>
 * DaemonMain --hostname H --backbone HOST:PORT [--backbone-key KEY] [--group G]... [--bind HOST:PORT]
 *            [--identity FILE] [--socket FILE]
 * </pre>
 */
public final class DaemonMain {

    private DaemonMain() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path identity = options.identity != null ? options.identity
                : ControlPaths.defaultDirectory().getParent().resolve(options.hostname + ".key");
        PilotNode node = PilotNode.builder().identityPath(identity).bindAddress(options.bind).build().start();
        DirectoryClient.Builder builder = DirectoryClient.builder(node).hostname(options.hostname)
                .backbone(options.backbone, options.backboneKey);
        options.groups.forEach(builder::group);
        DirectoryClient directory = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable shutdown = () -> {
            directory.close();
            node.close();
            stopped.countDown();
        };
        ControlServer control;
        try {
            directory.start().join();
            Path socket = options.socket != null ? options.socket : ControlPaths.defaultSocket(options.hostname, node.address());
            control = ControlServer.start(socket, ControlCommands.builder(node).directory(directory)
                    .groups(GroupMessaging.of(directory)).identityPath(identity).onStop(shutdown).build());
        } catch (RuntimeException e) {
            shutdown.run();
            System.err.println("error: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            control.close();
            shutdown.run();
        }, "pilot-daemon-shutdown"));
        System.out.println("READY " + node.address() + " " + control.socketPath());
        System.out.flush();
        stopped.await();
        control.close();
        System.exit(0);
    }

    private static final class Options {
        String hostname;
        InetSocketAddress backbone;
        NodeKey backboneKey;
        final List<String> groups = new ArrayList<>();
        InetSocketAddress bind = new InetSocketAddress("0.0.0.0", 0);
        Path identity;
        Path socket;

        static Options parse(String[] args) {
            Options options = new Options();
            for (int i = 0; i + 1 < args.length; i += 2) {
                String value = args[i + 1];
                switch (args[i]) {
                    case "--hostname" -> options.hostname = value;
                    case "--backbone" -> options.backbone = Targets.hostPort(value);
                    case "--backbone-key" -> options.backboneKey = NodeKey.parse(value);
                    case "--group" -> options.groups.add(value);
                    case "--bind" -> options.bind = Targets.hostPort(value);
                    case "--identity" -> options.identity = Path.of(value);
                    case "--socket" -> options.socket = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (options.hostname == null || options.backbone == null) {
                throw new IllegalArgumentException("--hostname and --backbone are required");
            }
            return options;
        }
    }
}

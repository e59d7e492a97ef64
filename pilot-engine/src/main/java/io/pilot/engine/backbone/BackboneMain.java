package io.pilot.engine.backbone;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.HostPort;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A standalone backbone: a node that answers STUN, serves the directory and relays, until it is stopped;
 * with {@code --store DIR} its directory survives restarts and crashes.
 * {@code pilotctl backbone start} wraps it; until then run it as
 * {@code java -cp ... io.pilot.engine.backbone.BackboneMain --bind 0.0.0.0:7400 --identity backbone.key}.
 * On start it prints one line for scripts: {@code BACKBONE <address> <udp endpoint> <key>}.
 */
public final class BackboneMain {

    private BackboneMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: BackboneMain [--bind HOST:PORT] [--identity FILE] [--realm N] [--join-token TOKEN]"
                    + " [--lease-ttl-ms N] [--store DIR]");
            System.exit(2);
            return;
        }
        DirectoryStore store;
        try {
            store = options.store == null ? DirectoryStore.none() : JournaledDirectoryStore.open(options.store);
        } catch (IOException | RuntimeException e) {
            System.err.println("error: cannot open the directory store: " + e.getMessage());
            System.exit(1);
            return;
        }
        PilotNode node = PilotNode.builder().identityPath(options.identity).bindAddress(options.bind).realm(options.realm)
                .answerStun(true).build().start();
        BackboneSettings settings = BackboneSettings.DEFAULTS.withLeaseTtl(options.leaseTtl).withJoinToken(options.joinToken);
        Backbone backbone = Backbone.start(node, settings, store);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            backbone.close();
            node.close();
            stopped.countDown();
        }, "pilot-backbone-shutdown"));
        System.out.println("BACKBONE " + node.address() + " " + node.localEndpoint().getAddress().getHostAddress() + ":"
                + node.localEndpoint().getPort() + " " + node.publicKey());
        System.out.flush();
        stopped.await();
    }

    private record Options(InetSocketAddress bind, Path identity, int realm, String joinToken, Duration leaseTtl, Path store) {

        static Options parse(String[] args) {
            InetSocketAddress bind = new InetSocketAddress("0.0.0.0", 7400);
            Path identity = Path.of(System.getProperty("user.home"), ".pilot", "backbone.key");
            int realm = 0;
            String joinToken = null;
            Duration leaseTtl = BackboneSettings.DEFAULTS.leaseTtl();
            Path store = null;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--bind" -> bind = HostPort.parseBind(required(args[i], value));
                    case "--identity" -> identity = Path.of(required(args[i], value));
                    case "--realm" -> realm = number(args[i], required(args[i], value));
                    case "--join-token" -> joinToken = required(args[i], value);
                    case "--lease-ttl-ms" -> leaseTtl = Duration.ofMillis(number(args[i], required(args[i], value)));
                    case "--store" -> store = Path.of(required(args[i], value));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
            return new Options(bind, identity, realm, joinToken, leaseTtl, store);
        }

        private static String required(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }

        private static int number(String option, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " takes a number, got '" + value + "'");
            }
        }
    }
}

package io.pilot.cli;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.agent.Agent;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.BackboneStatusServer;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A standalone backbone: an {@link Agent} whose node answers STUN, serves the directory and relays, until it
 * is stopped (SIGTERM); with {@code --store DIR} its directory survives restarts and crashes.
 * {@code pilotctl backbone start} runs it in the background; by hand:
 * {@code java -cp ... io.pilot.cli.BackboneMain --bind 0.0.0.0:7400 --identity backbone.key}. A realm's join
 * token comes from {@code --join-token-file FILE}, {@code --join-token -} (standard input) or
 * {@code PILOT_JOIN_TOKEN}, where other users cannot read it ({@link SecretOption}).
 * With {@code --http-bind HOST:PORT} (or a port alone, on loopback) it serves its status page and JSON
 * ({@link BackboneStatusServer}). On start it prints one line for scripts:
 * {@code BACKBONE <address> <udp endpoint> <key> [<status page URL>]}; it exits 2 on
 * bad arguments, 1 if the backbone cannot start (the port is taken, the store cannot be opened...).
 */
public final class BackboneMain {

    private BackboneMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Options options;
        BackboneSettings settings;
        try {
            options = Options.parse(args);
            String joinToken = SecretOption.JOIN_TOKEN.read(options.joinToken, options.joinTokenFile, System.getenv(),
                    System.in, System.err::println);
            settings = BackboneSettings.DEFAULTS.withLeaseTtl(options.leaseTtl).withJoinToken(joinToken);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: BackboneMain [--bind HOST:PORT] [--identity FILE] [--realm N]"
                    + " [--join-token-file FILE | --join-token - | --join-token TOKEN] [--lease-ttl-ms N] [--store DIR | --store etcd://HOST:PORT[,HOST:PORT...][?options]]"
                    + " [--tcp-bind HOST:PORT[,HOST:PORT...]]... [--no-tcp] [--tls-cert PEM --tls-key PEM]"
                    + " [--http-bind HOST:PORT|PORT]");
            System.err.println("  the join token may also come from " + SecretOption.JOIN_TOKEN.variable()
                    + "; on the command line it is visible to other users (ps)");
            System.exit(2);
            return;
        }
        Agent backbone;
        try {
            backbone = Agent.builder(PilotNode.builder().identityPath(options.identity).bindAddress(options.bind)
                            .realm(options.realm).answerStun(true))
                    .serveBackboneWithStore(settings, options.store)
                    .backboneWebSocket(options.webSocket().serving())
                    .build().start();
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
            return;
        }
        BackboneStatusServer statusServer = null;
        if (options.httpBind != null) {
            try {
                statusServer = BackboneStatusServer.start(backbone.backbone().orElseThrow().status(), options.httpBind);
            } catch (RuntimeException e) {
                System.err.println("error: " + e.getMessage());
                backbone.close();
                System.exit(1);
                return;
            }
        }
        backbone.closeOnShutdown();
        PilotNode node = backbone.node();
        System.out.println("BACKBONE " + node.address() + " " + HostPort.format(node.localEndpoint()) + " " + node.publicKey()
                + (statusServer != null ? " " + statusServer.url() : ""));
        System.out.flush();
        backbone.awaitClosed();
        if (statusServer != null) {
            statusServer.close();
        }
    }

    /** @param joinToken the option's value, '-' included, as {@link SecretOption} reads it */
    private record Options(InetSocketAddress bind, Path identity, int realm, String joinToken, Path joinTokenFile,
                           Duration leaseTtl, String store, WebSocketOptions webSocket, InetSocketAddress httpBind) {

        static Options parse(String[] args) {
            InetSocketAddress bind = new InetSocketAddress("0.0.0.0", 7400);
            Path identity = Path.of(System.getProperty("user.home"), ".pilot", "backbone.key");
            int realm = 0;
            String joinToken = null;
            Path joinTokenFile = null;
            Duration leaseTtl = BackboneSettings.DEFAULTS.leaseTtl();
            String store = null;
            boolean tcp = true;
            List<String> tcpBinds = new ArrayList<>();
            Path tlsCert = null;
            Path tlsKey = null;
            InetSocketAddress httpBind = null;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--bind" -> bind = HostPort.parseBind(required(args[i], value));
                    case "--identity" -> identity = Path.of(required(args[i], value));
                    case "--realm" -> realm = number(args[i], required(args[i], value));
                    case "--join-token" -> joinToken = required(args[i], value);
                    case "--join-token-file" -> joinTokenFile = Path.of(required(args[i], value));
                    case "--lease-ttl-ms" -> leaseTtl = Duration.ofMillis(number(args[i], required(args[i], value)));
                    case "--store" -> store = required(args[i], value);
                    case "--tcp-bind" -> tcpBinds.add(required(args[i], value));
                    case "--tls-cert" -> tlsCert = Path.of(required(args[i], value));
                    case "--tls-key" -> tlsKey = Path.of(required(args[i], value));
                    case "--http-bind" -> httpBind = StatusHttpBind.parse(required(args[i], value));
                    case "--no-tcp" -> {
                        tcp = false;
                        i--; // takes no value
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
            return new Options(bind, identity, realm, joinToken, joinTokenFile, leaseTtl, store,
                    WebSocketOptions.of(tcp, tcpBinds, tlsCert, tlsKey), httpBind);
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

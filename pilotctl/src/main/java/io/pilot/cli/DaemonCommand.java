package io.pilot.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code daemon start|stop|status}: the standalone node ({@link DaemonLauncher}) and any node's life. */
@Command(name = "daemon", description = "Start, stop and check a standalone node.",
        subcommands = {DaemonCommand.Start.class, DaemonCommand.Stop.class, DaemonCommand.Status.class})
final class DaemonCommand {

    /** How long {@code stop} waits for the node to remove its socket, so that scripts can go on at once. */
    private static final long STOP_WAIT_MILLIS = 15_000;

    @Command(name = "start", description = "Start a node; returns (or, with --foreground, prints) once it is registered.")
    static final class Start implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--hostname", required = true, paramLabel = "H", description = "Its name in the realm.")
        String hostname;

        @Option(names = "--backbone", paramLabel = "HOST:PORT[,HOST:PORT...]",
                description = "The backbone, or the realm's backbones comma-separated: tried in that order from one this"
                        + " node's address picks, moving to the next when one stops answering (default: the one"
                        + " 'pilotctl backbone start' runs here, its key pinned).")
        String backbone;

        @Option(names = "--backbone-key", paramLabel = "KEY", description = "The backbone's key (default: trust on first use).")
        String backboneKey;

        @Option(names = "--group", paramLabel = "G", description = "A group to join (repeatable).")
        List<String> groups = new ArrayList<>();

        @Option(names = "--capability", paramLabel = "C", description = "A capability to advertise (repeatable).")
        List<String> capabilities = new ArrayList<>();

        @Option(names = "--bind", defaultValue = DaemonSettings.DEFAULT_BIND, paramLabel = "HOST:PORT",
                description = "The node's UDP socket (default 0.0.0.0:0, a free port).")
        String bind;

        @Option(names = "--identity", paramLabel = "FILE", description = "Its identity file (default: H.key beside the run directory).")
        Path identity;

        @Option(names = "--join-token", paramLabel = "T", description = "The realm's join token, if the backbone requires"
                + " one: '-' reads it from standard input; a value here is visible to other users (ps): prefer"
                + " --join-token-file or PILOT_JOIN_TOKEN.")
        String joinTokenValue;

        @Option(names = "--join-token-file", paramLabel = "FILE", description = "Read the realm's join token from the first line of FILE.")
        Path joinTokenFile;

        @Option(names = "--proxy", paramLabel = "URL", description = "The HTTP CONNECT proxy to reach the backbone's"
                + " WebSocket through when UDP is blocked, http://[user:password@]host:port (default: " + DaemonSettings.PROXY_VARIABLE
                + ", else HTTPS_PROXY; NO_PROXY exempts hosts). A password here is visible to other users (ps): prefer "
                + DaemonSettings.PROXY_VARIABLE + ".")
        String proxy;

        @Option(names = "--foreground", description = "Run in this process until stopped (Ctrl-C, SIGTERM, daemon stop).")
        boolean foreground;

        @Override
        public Integer call() throws Exception {
            PilotCtl ctl = PilotCtl.of(spec);
            String joinToken;
            try {
                joinToken = SecretOption.JOIN_TOKEN.read(joinTokenValue, joinTokenFile, System.getenv(), System.in,
                        ctl.err::println);
            } catch (IllegalArgumentException e) {
                return ctl.usage(e.getMessage(), "see: pilotctl daemon start --help");
            }
            String endpoint = backbone;
            String key = backboneKey;
            if (endpoint == null) {
                Optional<LocalBackbone> local = LocalBackbone.running();
                if (local.isEmpty()) {
                    return ctl.usage("no --backbone given and no backbone runs here",
                            "give --backbone HOST:PORT, or start one first: pilotctl backbone start");
                }
                endpoint = local.get().reachableEndpoint();
                key = key != null ? key : local.get().key();
            }
            String proxyUrl = proxy != null ? proxy : System.getenv(DaemonSettings.PROXY_VARIABLE);
            return DaemonLauncher.start(ctl, new DaemonSettings(hostname, endpoint, key, groups, capabilities, bind,
                    identity, null, joinToken, proxyUrl == null || proxyUrl.isBlank() ? null : proxyUrl), foreground);
        }
    }

    @Command(name = "stop", description = "Deregister and stop the node; returns once it is gone.")
    static final class Stop implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PilotCtl ctl = PilotCtl.of(spec);
            Path socket;
            try {
                socket = SocketLocator.locate(ctl.socket, ctl.node);
            } catch (CliException e) {
                return ctl.fail(e);
            }
            int status = ctl.call("stop", Map.of(), data -> { });
            if (status != PilotCtl.OK) {
                return status;
            }
            boolean gone = Waiting.until(() -> !Files.exists(socket), STOP_WAIT_MILLIS);
            if (!ctl.json) {
                ctl.out.println(gone ? "✓ stopped" : "✓ stopping (its socket is still there; see its log)");
            }
            return PilotCtl.OK;
        }
    }

    @Command(name = "status", description = "Is the node running and registered?")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PilotCtl ctl = PilotCtl.of(spec);
            return ctl.call("status", Map.of(), data -> ctl.out.printf(
                    "✓ %s running · backbone %s · %d sessions%n", data.path("address").asString(),
                    data.path("backbone").path("status").asString(), data.path("sessions").asInt()));
        }
    }
}

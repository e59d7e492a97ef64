package io.pilot.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/**
 * {@code pilotctl}: talks to the local Pilot node through its control socket. Human output by default;
 * {@code --json} prints the node's {@code {"status":"ok","data":{...}}} or an error object.
 * Exit status: 0 ok, 1 the node answered with an error, 2 bad usage, 3 no node to talk to.
 */
@Command(name = "pilotctl", mixinStandardHelpOptions = true, version = "pilotctl 0.1.0",
        description = "Operate the Pilot node on this machine.",
        subcommands = {PilotCtl.Info.class, PilotCtl.Ping.class, PilotCtl.Find.class, PilotCtl.Peers.class,
                PilotCtl.Identity.class, PilotCtl.Groups.class, PilotCtl.Broadcast.class, PilotCtl.Send.class,
                PilotCtl.Daemon.class, PilotCtl.BackboneCommand.class})
public final class PilotCtl {

    static final int OK = 0;
    static final int NODE_ERROR = 1;
    static final int NO_NODE = 3;

    @Option(names = "--json", description = "Machine-readable output.", scope = CommandLine.ScopeType.INHERIT)
    boolean json;

    @Option(names = "--node", description = "The node's hostname, when several run (also PILOT_NODE).",
            scope = CommandLine.ScopeType.INHERIT)
    String node;

    @Option(names = "--socket", description = "The node's control socket.", scope = CommandLine.ScopeType.INHERIT)
    Path socket;

    PrintWriter out;
    PrintWriter err;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line, printing to the given writers; returns the exit status. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        PilotCtl root = new PilotCtl();
        root.out = out;
        root.err = err;
        CommandLine line = new CommandLine(root);
        line.setOut(out).setErr(err);
        return line.execute(args);
    }

    /** The root command a subcommand belongs to: it holds the global options and the writers. */
    static PilotCtl of(picocli.CommandLine.Model.CommandSpec spec) {
        return (PilotCtl) spec.root().userObject();
    }

    /** Sends one request that streams no progress and prints the answer. */
    int call(String command, Map<String, Object> args, java.util.function.Consumer<JsonNode> onOk) {
        return call(command, args, progress -> { }, onOk);
    }

    /** Sends one request and prints the answer; progress lines go to {@code onProgress}. */
    int call(String command, Map<String, Object> args, java.util.function.Consumer<JsonNode> onProgress,
            java.util.function.Consumer<JsonNode> onOk) {
        JsonNode answer;
        try {
            Path path = SocketLocator.locate(socket, node);
            try {
                answer = ControlConnection.request(path, command, args, json ? d -> { } : onProgress);
            } catch (IOException e) {
                throw new CliException("NO_NODE", "cannot reach the node at " + path + ": " + e.getMessage(),
                        "is it running? check with: pilotctl daemon status");
            }
        } catch (CliException e) {
            return fail(e.code(), e.getMessage(), e.hint(), NO_NODE);
        }
        if ("ok".equals(answer.path("status").asString())) {
            if (json) {
                out.println(answer);
            } else {
                onOk.accept(answer.path("data"));
            }
            return OK;
        }
        return fail(answer.path("code").asString(), answer.path("message").asString(), answer.path("hint").asString(),
                NODE_ERROR);
    }

    /** One line per record: hostname, address, capabilities. */
    void printRecords(JsonNode data) {
        for (JsonNode record : data.path("records")) {
            out.printf("%-24s %s  %s%n", record.path("hostname").asString(), record.path("address").asString(),
                    join(record.path("capabilities")));
        }
        if (data.path("records").isEmpty()) {
            out.println("(none)");
        }
    }

    int fail(String code, String message, String hint, int status) {
        if (json) {
            Map<String, String> error = new LinkedHashMap<>();
            error.put("status", "error");
            error.put("code", code);
            error.put("message", message);
            error.put("hint", hint);
            out.println(ControlConnection.JSON.writeValueAsString(error));
        } else {
            err.println("✗ " + message);
            if (hint != null && !hint.isBlank()) {
                err.println("  " + hint);
            }
        }
        return status;
    }

    @Command(name = "info", description = "What this node is: address, hostname, backbone, capabilities.")
    static final class Info implements Callable<Integer> {
        @ParentCommand
        PilotCtl ctl;

        @Override
        public Integer call() {
            return ctl.call("info", Map.of(), data -> {
                ctl.out.printf("address       %s%n", data.path("address").asString());
                ctl.out.printf("hostname      %s%n", data.path("hostname").asString());
                ctl.out.printf("realm         %d%n", data.path("realm").asInt());
                ctl.out.printf("udp           %s%n", data.path("udpEndpoint").asString());
                ctl.out.printf("backbone      %s%n", data.path("backbone").path("status").asString());
                ctl.out.printf("capabilities  %s%n", join(data.path("capabilities")));
                ctl.out.printf("groups        %s%n", join(data.path("groups")));
                ctl.out.printf("sessions      %d%n", data.path("sessions").asInt());
            });
        }
    }

    @Command(name = "ping", description = "Round trips to a node over its tunnel.")
    static final class Ping implements Callable<Integer> {
        @ParentCommand
        PilotCtl ctl;

        @Parameters(paramLabel = "TARGET", description = "A hostname or an address (N:XXXX.XXXX.XXXX).")
        String target;

        @Option(names = "--count", defaultValue = "1", description = "How many pings (1-1000).")
        int count;

        @Override
        public Integer call() {
            return ctl.call("ping", Map.of("target", target, "count", count, "intervalMillis", 200),
                    reply -> ctl.out.printf("✓ reply from %s · %sms%n", reply.path("address").asString(),
                            millis(reply.path("rttMillis").asDouble())),
                    summary -> {
                        if (count > 1) {
                            ctl.out.printf("%d sent, %d received, %.0f%% loss · min/avg/max %s/%s/%s ms%n",
                                    summary.path("sent").asInt(), summary.path("received").asInt(),
                                    summary.path("lossPercent").asDouble(), millis(summary.path("minMillis").asDouble()),
                                    millis(summary.path("avgMillis").asDouble()), millis(summary.path("maxMillis").asDouble()));
                        }
                    });
        }
    }

    @Command(name = "find", description = "Look nodes up: by hostname, --capability or --group.")
    static final class Find implements Callable<Integer> {
        @ParentCommand
        PilotCtl ctl;

        @Parameters(paramLabel = "HOSTNAME", arity = "0..1")
        String hostname;

        @Option(names = "--capability")
        String capability;

        @Option(names = "--group")
        String group;

        @Override
        public Integer call() {
            Map<String, Object> args = new LinkedHashMap<>();
            if (hostname != null) {
                args.put("hostname", hostname);
            }
            if (capability != null) {
                args.put("capability", capability);
            }
            if (group != null) {
                args.put("group", group);
            }
            if (args.size() != 1) {
                return ctl.fail("BAD_REQUEST", "give exactly one of HOSTNAME, --capability or --group",
                        "e.g. pilotctl find specialist-papers, or pilotctl find --capability papers.search", 2);
            }
            return ctl.call("find", args, ctl::printRecords);
        }
    }

    @Command(name = "peers", description = "Nodes this node holds sessions with: path, RTT, bytes.")
    static final class Peers implements Callable<Integer> {
        @ParentCommand
        PilotCtl ctl;

        @Override
        public Integer call() {
            return ctl.call("peers", Map.of(), data -> {
                for (JsonNode peer : data.path("peers")) {
                    ctl.out.printf("%-18s %-20s %-8s %8s ms  in %d B  out %d B%n", peer.path("address").asString(),
                            peer.path("hostname").asString("-"), peer.path("path").asString(),
                            peer.path("rttMillis").isNull() ? "-" : millis(peer.path("rttMillis").asDouble()),
                            peer.path("bytesIn").asLong(), peer.path("bytesOut").asLong());
                }
            });
        }
    }

    @Command(name = "groups", description = "This node's groups, or a group's members.",
            subcommands = {Groups.ListGroups.class, Groups.Members.class})
    static final class Groups {

        @Command(name = "list")
        static final class ListGroups implements Callable<Integer> {
            @picocli.CommandLine.Spec
            picocli.CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() {
                PilotCtl ctl = of(spec);
                return ctl.call("groups", Map.of(), data -> ctl.out.println(join(data.path("groups"))));
            }
        }

        @Command(name = "members")
        static final class Members implements Callable<Integer> {
            @picocli.CommandLine.Spec
            picocli.CommandLine.Model.CommandSpec spec;

            @Parameters(paramLabel = "GROUP")
            String group;

            @Override
            public Integer call() {
                PilotCtl ctl = of(spec);
                return ctl.call("find", Map.of("group", group), ctl::printRecords);
            }
        }
    }

    @Command(name = "broadcast", description = "Send a text message to every other member of a group, directly.")
    static final class Broadcast implements Callable<Integer> {
        @ParentCommand
        PilotCtl ctl;

        @Parameters(index = "0", paramLabel = "GROUP")
        String group;

        @Parameters(index = "1", paramLabel = "MESSAGE")
        String message;

        @Option(names = "--port", defaultValue = "101", description = "The port the members listen on.")
        int port;

        @Override
        public Integer call() {
            return ctl.call("broadcast", Map.of("group", group, "port", port, "message", message), data ->
                    ctl.out.printf("✓ delivered to %d, failed %d%n", data.path("delivered").size(), data.path("failed").size()));
        }
    }

    @Command(name = "send", description = "Send a text message to a port of a node.")
    static final class Send implements Callable<Integer> {
        @ParentCommand
        PilotCtl ctl;

        @Parameters(index = "0", paramLabel = "TARGET")
        String target;

        @Parameters(index = "1", paramLabel = "PORT")
        int port;

        @Option(names = "--data", required = true)
        String data;

        @Override
        public Integer call() {
            return ctl.call("send", Map.of("target", target, "port", port, "data", data), reply ->
                    ctl.out.printf("✓ sent %d bytes to %s:%d%n", reply.path("bytes").asInt(), reply.path("address").asString(), port));
        }
    }

    @Command(name = "identity", description = "This node's address and key.", subcommands = Identity.Show.class)
    static final class Identity {
        @Command(name = "show")
        static final class Show implements Callable<Integer> {
            @ParentCommand
            Identity identity;

            @picocli.CommandLine.Spec
            picocli.CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() {
                PilotCtl ctl = of(spec);
                return ctl.call("identity", Map.of(), data -> {
                    ctl.out.printf("address  %s%n", data.path("address").asString());
                    ctl.out.printf("key      %s%n", data.path("publicKey").asString());
                    ctl.out.printf("file     %s%n", data.path("identityFile").asString("-"));
                });
            }
        }
    }

    @Command(name = "daemon", description = "Start, stop and check the standalone node.",
            subcommands = {Daemon.Start.class, Daemon.Stop.class, Daemon.Status.class})
    static final class Daemon {

        @Command(name = "status", description = "Is the node running and registered?")
        static final class Status implements Callable<Integer> {
            @picocli.CommandLine.Spec
            picocli.CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() {
                PilotCtl ctl = of(spec);
                return ctl.call("status", Map.of(), data -> ctl.out.printf(
                        "✓ %s running · backbone %s · %d sessions%n", data.path("address").asString(),
                        data.path("backbone").path("status").asString(), data.path("sessions").asInt()));
            }
        }

        @Command(name = "stop", description = "Deregister and stop the node.")
        static final class Stop implements Callable<Integer> {
            @picocli.CommandLine.Spec
            picocli.CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() {
                PilotCtl ctl = of(spec);
                return ctl.call("stop", Map.of(), data -> ctl.out.println("✓ stopping"));
            }
        }

        @Command(name = "start", description = "Start a node in the background; returns once it is registered.")
        static final class Start implements Callable<Integer> {
            @picocli.CommandLine.Spec
            picocli.CommandLine.Model.CommandSpec spec;

            @Option(names = "--hostname", required = true)
            String hostname;

            @Option(names = "--backbone", required = true, description = "The backbone's HOST:PORT.")
            String backbone;

            @Option(names = "--backbone-key", description = "The backbone's key (empty: trust on first use).")
            String backboneKey;

            @Option(names = "--group")
            List<String> groups = new ArrayList<>();

            @Override
            public Integer call() throws Exception {
                PilotCtl ctl = of(spec);
                return DaemonLauncher.start(ctl, hostname, backbone, backboneKey, groups);
            }
        }
    }

    @Command(name = "backbone", description = "Start, stop and check a standalone backbone on this machine.",
            subcommands = {BackboneCommand.Start.class, BackboneCommand.Stop.class, BackboneCommand.Status.class})
    static final class BackboneCommand {

        @Command(name = "start", description = "Start a backbone in the background; prints its address, endpoint and key.")
        static final class Start implements Callable<Integer> {
            @picocli.CommandLine.Spec
            picocli.CommandLine.Model.CommandSpec spec;

            @Option(names = "--bind", defaultValue = "0.0.0.0:7400")
            String bind;

            @Option(names = "--identity")
            Path identity;

            @Option(names = "--store", description = "Keep the directory here (survives restarts).")
            Path store;

            @Override
            public Integer call() throws Exception {
                return BackboneLauncher.start(of(spec), bind, identity, store);
            }
        }

        @Command(name = "stop")
        static final class Stop implements Callable<Integer> {
            @picocli.CommandLine.Spec
            picocli.CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() throws Exception {
                return BackboneLauncher.stop(of(spec));
            }
        }

        @Command(name = "status")
        static final class Status implements Callable<Integer> {
            @picocli.CommandLine.Spec
            picocli.CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() throws Exception {
                return BackboneLauncher.status(of(spec));
            }
        }
    }

    static String millis(double value) {
        return value >= 10 ? String.format("%.0f", value) : String.format("%.2f", value);
    }

    private static String join(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.isObject() ? v.path("name").asString() : v.asString()));
        return values.isEmpty() ? "-" : String.join(", ", values);
    }
}

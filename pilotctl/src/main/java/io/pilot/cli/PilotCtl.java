package io.pilot.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * {@code pilotctl}: talks to the local Pilot node through its control socket. Human output by default;
 * {@code --json} prints the node's {@code {"status":"ok","data":{...}}} or an error object.
 * Exit status: 0 ok, 1 the node (or a launcher) refused, 2 bad usage, 3 no node to talk to.
 */
// scope INHERIT: --help and --version on every subcommand too, as every usage error's "see: pilotctl … --help" promises.
@Command(name = "pilotctl", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "pilotctl 0.1.0",
        description = "Operate the Pilot nodes of this user on this machine.",
        subcommands = {NodeCommands.Info.class, TrafficCommands.Ping.class, NodeCommands.Find.class,
                NodeCommands.Peers.class, TopCommand.class, GroupsCommand.class, TrafficCommands.Broadcast.class, TrafficCommands.Send.class,
                TrafficCommands.Listen.class, TrafficCommands.Bench.class, CapabilityCommands.Describe.class,
                CapabilityCommands.Call.class, CardCommands.Skills.class, CardCommands.Card.class, NodeCommands.Identity.class,
                DaemonCommand.class, BackboneCommand.class, CommandLine.HelpCommand.class})
public final class PilotCtl {

    static final int OK = 0;
    static final int NODE_ERROR = 1;
    static final int USAGE = 2;
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
    private CommandLine line;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line, printing to the given writers; returns the exit status. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        PilotCtl root = new PilotCtl();
        root.out = out;
        root.err = err;
        CommandLine line = new CommandLine(root);
        root.line = line;
        line.setOut(out).setErr(err);
        // A command line picocli cannot parse never reaches --json parsing: look for the flag itself.
        boolean json = Arrays.asList(args).contains("--json");
        line.setParameterExceptionHandler((e, arguments) -> {
            root.json = json;
            return root.usage(describe(e), "see: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help");
        });
        line.setExecutionExceptionHandler((e, commandLine, parsed) -> root.fail("INTERNAL", e.toString(),
                "pilotctl failed unexpectedly; run it again, and report it with the command line if it persists", NODE_ERROR));
        return line.execute(args);
    }

    /** picocli's words, except for a mistyped command, which it calls an unmatched argument. */
    private static String describe(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.isUnknownOption()
                && !e.getCommandLine().getSubcommands().isEmpty() && !unmatched.getUnmatched().isEmpty()) {
            List<String> suggestions = unmatched.getSuggestions();
            return "unknown command '" + unmatched.getUnmatched().get(0) + "'"
                    + (suggestions.isEmpty() ? "" : "; did you mean " + String.join(" or ", suggestions) + "?");
        }
        return e.getMessage();
    }

    /** The root command a subcommand belongs to: it holds the global options and the writers. */
    static PilotCtl of(CommandSpec spec) {
        return (PilotCtl) spec.root().userObject();
    }

    /** Sends one request that streams no progress and prints the answer. */
    int call(String command, Map<String, Object> args, Consumer<JsonNode> onOk) {
        return call(command, args, progress -> { }, false, onOk);
    }

    /**
     * Sends one request and prints the answer; progress lines go to {@code onProgress} for humans, and with
     * {@code --json} are printed as they come when {@code streamJson} (for commands that run until stopped),
     * else left out so that the output is one JSON object.
     */
    int call(String command, Map<String, Object> args, Consumer<JsonNode> onProgress, boolean streamJson,
            Consumer<JsonNode> onOk) {
        return call(command, args, onProgress, streamJson, onOk, false);
    }

    /** As {@link #call(String, Map, Consumer)}, the answer's data for {@code onOk} only: nothing printed on success. */
    int callQuietly(String command, Map<String, Object> args, Consumer<JsonNode> onOk) {
        return call(command, args, progress -> { }, false, onOk, true);
    }

    private int call(String command, Map<String, Object> args, Consumer<JsonNode> onProgress, boolean streamJson,
            Consumer<JsonNode> onOk, boolean quiet) {
        JsonNode answer;
        try {
            Path path = SocketLocator.locate(socket, node);
            Consumer<JsonNode> progress = !json ? onProgress
                    : streamJson ? data -> printJson(envelope("progress", data)) : data -> { };
            try {
                answer = ControlConnection.request(path, command, args, progress);
            } catch (IOException e) {
                throw new CliException("NO_NODE", "cannot reach the node at " + path + ": " + e.getMessage(),
                        "is it running? check with: pilotctl daemon status", NO_NODE);
            }
        } catch (CliException e) {
            return fail(e);
        }
        if ("ok".equals(answer.path("status").asString())) {
            if (json && !quiet) {
                out.println(answer);
            } else {
                onOk.accept(answer.path("data"));
            }
            return OK;
        }
        String code = answer.path("code").asString();
        if ("BAD_REQUEST".equals(code)) {
            // The node found the arguments wrong: that is bad usage, whoever noticed it, and the node's hint
            // (about the socket protocol) is not the one an operator needs.
            return fail(code, answer.path("message").asString(), "see: " + running() + " --help", USAGE);
        }
        return fail(code, answer.path("message").asString(), answer.path("hint").asString(), NODE_ERROR);
    }

    /** The command being run, e.g. {@code pilotctl groups join}. */
    private String running() {
        CommandLine.ParseResult parsed = line.getParseResult();
        while (parsed.hasSubcommand()) {
            parsed = parsed.subcommand();
        }
        return parsed.commandSpec().qualifiedName();
    }

    /** With {@code --json}: {@code {"status":"ok","data":data}}. */
    void printOk(Map<String, ?> data) {
        printJson(envelope("ok", data));
    }

    /** {@code status} first, as the node writes it. */
    private static Map<String, Object> envelope(String status, Object data) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("status", status);
        line.put("data", data);
        return line;
    }

    private void printJson(Object value) {
        out.println(ControlConnection.JSON.writeValueAsString(value));
    }

    /** Bad input noticed by pilotctl itself: exit status 2, code BAD_USAGE. */
    int usage(String message, String hint) {
        return fail("BAD_USAGE", message, hint, USAGE);
    }

    int fail(CliException e) {
        return fail(e.code(), e.getMessage(), e.hint(), e.status());
    }

    /** Prints an error, as JSON on stdout with {@code --json}, else as two lines on stderr; returns status. */
    int fail(String code, String message, String hint, int status) {
        if (json) {
            Map<String, String> error = new LinkedHashMap<>();
            error.put("status", "error");
            error.put("code", code);
            error.put("message", message);
            error.put("hint", hint);
            printJson(error);
        } else {
            err.println("✗ " + message);
            if (hint != null && !hint.isBlank()) {
                err.println("  " + hint);
            }
        }
        return status;
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

    static String millis(double value) {
        return value >= 10 ? String.format("%.0f", value) : String.format("%.2f", value);
    }

    /**
     * A round-trip time given in microseconds, for people: a loopback or LAN round trip reads in whole
     * microseconds, a longer one in milliseconds to three significant digits; "-" when there is none.
     */
    static String roundTrip(JsonNode micros) {
        if (!micros.isNumber()) {
            return "-";
        }
        long us = micros.asLong();
        if (us < 1_000) {
            return us + " µs";
        }
        double ms = us / 1_000.0;
        String format = ms < 10 ? "%.2f ms" : ms < 100 ? "%.1f ms" : "%.0f ms";
        return String.format(Locale.ROOT, format, ms);
    }

    static String join(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.isObject() ? v.path("name").asString() : v.asString()));
        return values.isEmpty() ? "-" : String.join(", ", values);
    }
}

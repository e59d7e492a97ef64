package io.pilot.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Capabilities as a client sees them: {@code describe} and {@code call}, like grpcurl's describe and invoke. */
final class CapabilityCommands {

    private CapabilityCommands() {
    }

    @Command(name = "describe", description = "Who provides a capability, what it does, and the JSON Schemas of what it takes and returns.")
    static final class Describe implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "CAPABILITY", description = "e.g. papers.resolve-citation")
        String capability;

        @Override
        public Integer call() {
            PilotCtl ctl = PilotCtl.of(spec);
            return ctl.call("describe", Map.of("capability", capability), data -> {
                ctl.out.printf("%s%s%n", data.path("capability").asString(),
                        data.path("description").isString() ? "  " + data.path("description").asString() : "");
                ctl.out.println("providers:");
                for (JsonNode provider : data.path("providers")) {
                    ctl.out.printf("  %-24s %s  schema %s%s%n", provider.path("hostname").asString(),
                            provider.path("address").asString(), provider.path("schema").asString(),
                            provider.has("schemaError") ? " (" + provider.path("schemaError").asString() + ")" : "");
                }
                if (data.has("input")) {
                    ctl.out.println("input:");
                    ctl.out.println(pretty(data.path("input")));
                    ctl.out.println("output:");
                    ctl.out.println(pretty(data.path("output")));
                } else {
                    ctl.out.println("(no schemas published)");
                }
            });
        }
    }

    @Command(name = "call", description = "Call a capability with a JSON argument (anycast, or on one node with --to) and print its JSON reply.")
    static final class Call implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--to", paramLabel = "HOSTNAME", description = "Call this provider instead of any.")
        String to;

        @Parameters(index = "0", paramLabel = "CAPABILITY", description = "e.g. papers.resolve-citation")
        String capability;

        @Parameters(index = "1", paramLabel = "JSON", description = "The argument, e.g. '{\"doi\":\"10.1/x\"}' or '\"text\"'.")
        String argument;

        @Override
        public Integer call() {
            PilotCtl ctl = PilotCtl.of(spec);
            try {
                ControlConnection.JSON.readTree(argument);
            } catch (JacksonException e) {
                return ctl.usage("the argument is not valid JSON: " + e.getOriginalMessage(),
                        "quote it for the shell, e.g. pilotctl call " + capability + " '{\"field\":\"value\"}'");
            }
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("capability", capability);
            args.put("argument", argument);
            if (to != null) {
                args.put("hostname", to);
            }
            return ctl.call("call", args, data -> ctl.out.println(data.path("reply").isNull() ? "(empty reply)"
                    : pretty(data.path("reply"))));
        }
    }

    private static String pretty(JsonNode json) {
        return ControlConnection.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
    }
}

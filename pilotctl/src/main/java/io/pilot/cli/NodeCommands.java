package io.pilot.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** What a node is and knows: {@code info}, {@code identity show}, {@code peers}, {@code find}. */
final class NodeCommands {

    private NodeCommands() {
    }

    @Command(name = "info", description = "What this node is: address, hostname, backbone, capabilities, groups.")
    static final class Info implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PilotCtl ctl = PilotCtl.of(spec);
            return ctl.call("info", Map.of(), data -> {
                ctl.out.printf("address       %s%n", data.path("address").asString());
                ctl.out.printf("hostname      %s%n", data.path("hostname").asString("-"));
                ctl.out.printf("realm         %d%n", data.path("realm").asInt());
                ctl.out.printf("udp           %s%n", data.path("udpEndpoint").asString());
                ctl.out.printf("backbone      %s%n", data.path("backbone").path("status").asString());
                ctl.out.printf("capabilities  %s%n", PilotCtl.join(data.path("capabilities")));
                ctl.out.printf("groups        %s%n", PilotCtl.join(data.path("groups")));
                ctl.out.printf("sessions      %d%n", data.path("sessions").asInt());
            });
        }
    }

    @Command(name = "identity", description = "This node's address and key.", subcommands = Identity.Show.class)
    static final class Identity {
        @Command(name = "show", description = "The address, the public key and the identity file.")
        static final class Show implements Callable<Integer> {
            @Spec
            CommandSpec spec;

            @Override
            public Integer call() {
                PilotCtl ctl = PilotCtl.of(spec);
                return ctl.call("identity", Map.of(), data -> {
                    ctl.out.printf("address  %s%n", data.path("address").asString());
                    ctl.out.printf("key      %s%n", data.path("publicKey").asString());
                    ctl.out.printf("file     %s%n", data.path("identityFile").asString("-"));
                });
            }
        }
    }

    @Command(name = "peers", description = "Nodes this node holds sessions with (the backbone named so): path, RTT,"
            + " bytes. A live view: pilotctl top.")
    static final class Peers implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PilotCtl ctl = PilotCtl.of(spec);
            return ctl.call("peers", Map.of(), data -> {
                for (JsonNode peer : data.path("peers")) {
                    ctl.out.printf("%-18s %-20s %-12s %9s  in %d B  out %d B%n", peer.path("address").asString(),
                            PeerRows.name(peer), PeerRows.path(peer), PilotCtl.roundTrip(peer.path("rttMicros")),
                            peer.path("bytesIn").asLong(), peer.path("bytesOut").asLong());
                }
                if (data.path("peers").isEmpty()) {
                    ctl.out.println("(none)");
                }
            });
        }
    }

    @Command(name = "find", description = "Look nodes up: by HOSTNAME, --capability or --group.")
    static final class Find implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "HOSTNAME", arity = "0..1")
        String hostname;

        @Option(names = "--capability", paramLabel = "C")
        String capability;

        @Option(names = "--group", paramLabel = "G")
        String group;

        @Override
        public Integer call() {
            PilotCtl ctl = PilotCtl.of(spec);
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
                return ctl.usage("give exactly one of HOSTNAME, --capability or --group",
                        "e.g. pilotctl find specialist-papers, or pilotctl find --capability papers.search");
            }
            return ctl.call("find", args, ctl::printRecords);
        }
    }
}

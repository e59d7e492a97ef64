package io.pilot.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code groups list|members|join|leave}: this node's groups, a group's members, and changing them. */
@Command(name = "groups", description = "This node's groups, a group's members; join and leave groups.",
        subcommands = {GroupsCommand.ListGroups.class, GroupsCommand.Members.class, GroupsCommand.Join.class,
                GroupsCommand.Leave.class})
final class GroupsCommand {

    /** The groups as the node answers them after any of these commands. */
    private static void printGroups(PilotCtl ctl, JsonNode data) {
        ctl.out.println("groups  " + PilotCtl.join(data.path("groups")));
    }

    @Command(name = "list", description = "The groups this node is in.")
    static final class ListGroups implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PilotCtl ctl = PilotCtl.of(spec);
            return ctl.call("groups", Map.of(), data -> printGroups(ctl, data));
        }
    }

    @Command(name = "members", description = "The live members of a group.")
    static final class Members implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "GROUP")
        String group;

        @Override
        public Integer call() {
            PilotCtl ctl = PilotCtl.of(spec);
            return ctl.call("find", Map.of("group", group), ctl::printRecords);
        }
    }

    @Command(name = "join", description = "Join a group for as long as the node runs (nothing is saved).")
    static final class Join implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "GROUP")
        String group;

        @Option(names = "--token", paramLabel = "T", description = "The group's token, if it is not open: '-' reads it "
                + "from standard input; a value here is visible to other users (ps): prefer --token-file or PILOT_GROUP_TOKEN.")
        String tokenValue;

        @Option(names = "--token-file", paramLabel = "FILE", description = "Read the group's token from the first line of FILE.")
        Path tokenFile;

        @Override
        public Integer call() {
            PilotCtl ctl = PilotCtl.of(spec);
            String token;
            try {
                token = SecretOption.GROUP_TOKEN.read(tokenValue, tokenFile, System.getenv(), System.in, ctl.err::println);
            } catch (IllegalArgumentException e) {
                return ctl.usage(e.getMessage(), "see: pilotctl groups join --help");
            }
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("group", group);
            if (token != null) {
                args.put("token", token);
            }
            return ctl.call("join", args, data -> printGroups(ctl, data));
        }
    }

    @Command(name = "leave", description = "Leave a group for as long as the node runs (nothing is saved).")
    static final class Leave implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "GROUP")
        String group;

        @Override
        public Integer call() {
            PilotCtl ctl = PilotCtl.of(spec);
            return ctl.call("leave", Map.of("group", group), data -> printGroups(ctl, data));
        }
    }
}

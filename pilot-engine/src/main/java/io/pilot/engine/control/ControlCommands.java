package io.pilot.engine.control;

import io.pilot.engine.NodeStats;
import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.address.Ports;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.group.BroadcastResult;
import io.pilot.engine.group.GroupMessaging;
import io.pilot.engine.message.Message;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a node answers on its control socket, built from the parts the owner has: always the node, and a
 * directory client, group messaging, the identity file and a stop callback when there are some. A command
 * whose part is missing answers {@link ControlError#UNAVAILABLE} rather than not existing, so the CLI can
 * say why.
 *
 * <pre>{@code
 * ControlCommands commands = ControlCommands.builder(node).directory(client).groups(GroupMessaging.of(client))
 *         .identityPath(keyFile).onStop(daemon::shutdown).build();
 * }</pre>
 */
public final class ControlCommands {

    private final PilotNode node;
    private final DirectoryClient directory;
    private final GroupMessaging groups;
    private final Path identityPath;
    private final Runnable onStop;
    private final Completion completion;
    private final Targets targets;
    private final Map<String, ControlCommand> commands = new TreeMap<>();

    private ControlCommands(Builder builder) {
        this.node = builder.node;
        this.directory = builder.directory;
        this.groups = builder.groups;
        this.identityPath = builder.identityPath;
        this.onStop = builder.onStop;
        this.completion = new Completion(directory, builder.timeout);
        this.targets = new Targets(directory, completion);
        MembershipCommands membership = new MembershipCommands(this::requireDirectory, completion);
        commands.put("help", (args, progress) -> help());
        commands.put("info", (args, progress) -> info());
        commands.put("status", (args, progress) -> status());
        commands.put("identity", (args, progress) -> identity());
        commands.put("peers", (args, progress) -> peers());
        commands.put("ping", new PingCommand(node, targets, completion));
        commands.put("find", (args, progress) -> find(args));
        commands.put("groups", membership::list);
        commands.put("join", membership::join);
        commands.put("leave", membership::leave);
        commands.put("broadcast", (args, progress) -> broadcast(args));
        commands.put("send", (args, progress) -> send(args));
        commands.put("listen", new ListenCommand(node));
        commands.put("bench", new BenchCommand(node, targets, completion));
        CapabilityCommands capabilities = new CapabilityCommands(node, this::requireDirectory, groups, completion);
        commands.put("describe", (args, progress) -> capabilities.describe(args));
        commands.put("call", (args, progress) -> capabilities.call(args));
        commands.put("skills", (args, progress) -> capabilities.skills(args));
        commands.put("stop", (args, progress) -> stop());
    }

    public static Builder builder(PilotNode node) {
        return new Builder(node);
    }

    /**
     * Runs one command.
     *
     * @return the {@code data} of the final ok line
     * @throws ControlException with the code the client should see, whatever went wrong
     */
    ObjectNode run(String name, Arguments args, Progress progress) {
        ControlCommand command = commands.get(name);
        if (command == null) {
            throw new ControlException(ControlError.UNKNOWN_COMMAND, "unknown command '" + name + "'; commands: "
                    + String.join(", ", commands.keySet()));
        }
        try {
            return command.run(args, progress);
        } catch (RuntimeException e) {
            throw completion.translate(e);
        }
    }

    /** Whether the command of that name may run long ({@link ControlCommand#longRunning}); unknown ones do not. */
    boolean longRunning(String name) {
        ControlCommand command = commands.get(name);
        return command != null && command.longRunning();
    }

    private ObjectNode help() {
        ObjectNode data = Json.object();
        data.set("commands", Views.strings(commands.keySet()));
        return data;
    }

    private ObjectNode info() {
        Optional<NodeRecord> record = record();
        ObjectNode data = Json.object().put("address", node.address().toString())
                .put("hostname", record.map(NodeRecord::hostname).orElse(null))
                .put("realm", node.address().realm())
                .put("udpEndpoint", Views.endpoint(node.localEndpoint()))
                .put("publicKey", node.publicKey().toString());
        data.set("backbone", backbone());
        data.set("capabilities", Views.capabilities(record.map(NodeRecord::capabilities).orElse(List.of())));
        data.set("groups", Views.strings(record.map(NodeRecord::groups).map(List::copyOf).orElse(List.of())));
        return data.put("sessions", node.stats().sessions());
    }

    private ObjectNode status() {
        NodeStats stats = node.stats();
        ObjectNode data = Json.object().put("address", node.address().toString())
                .put("peers", stats.peers()).put("sessions", stats.sessions())
                .put("handshakesCompleted", stats.handshakesCompleted())
                .put("pendingHandshakes", stats.pendingHandshakes())
                .put("relayedWhileDirect", stats.relayedWhileDirect());
        ObjectNode drops = data.putObject("drops");
        stats.drops().forEach((reason, count) -> drops.put(reason.name(), count));
        data.set("backbone", backbone());
        return data;
    }

    private ObjectNode identity() {
        return Json.object().put("address", node.address().toString()).put("publicKey", node.publicKey().toString())
                .put("identityFile", identityPath == null ? null : identityPath.toAbsolutePath().toString());
    }

    private ObjectNode peers() {
        List<PeerInfo> peers = node.peers();
        // The backbone holds no record of its own: the node knows it as the one its directory is attached to.
        Optional<PilotAddress> backbone = directory == null ? Optional.empty() : directory.backbone();
        List<CompletableFuture<NodeRecord>> lookups = new ArrayList<>();
        for (PeerInfo peer : peers) {
            boolean isBackbone = backbone.filter(peer.address()::equals).isPresent();
            lookups.add(directory == null || isBackbone ? null : directory.lookup(peer.address()));
        }
        ObjectNode data = Json.object();
        ArrayNode array = data.putArray("peers");
        for (int i = 0; i < peers.size(); i++) {
            PeerInfo peer = peers.get(i);
            array.add(Views.peer(peer, hostname(lookups.get(i)), backbone.filter(peer.address()::equals).isPresent()));
        }
        return data;
    }

    /** A peer's hostname if the directory knows it; a peer it does not know (a backbone) is shown without. */
    private String hostname(CompletableFuture<NodeRecord> lookup) {
        if (lookup == null) {
            return null;
        }
        try {
            return completion.await(lookup).hostname();
        } catch (ControlException unknown) {
            return null;
        }
    }

    private ObjectNode find(Arguments args) {
        DirectoryClient client = requireDirectory();
        List<String> given = List.of("hostname", "capability", "group").stream().filter(args::has).toList();
        if (given.size() != 1) {
            throw new ControlException(ControlError.BAD_REQUEST,
                    "give exactly one of 'hostname', 'capability' or 'group' (got " + given + ")");
        }
        List<NodeRecord> found = switch (given.get(0)) {
            case "hostname" -> List.of(completion.await(client.lookup(args.string("hostname"))));
            case "capability" -> completion.await(client.find(args.string("capability")));
            default -> completion.await(client.members(args.string("group")));
        };
        ObjectNode data = Json.object();
        data.set("records", Views.records(found));
        return data;
    }

    private ObjectNode broadcast(Arguments args) {
        if (groups == null) {
            throw new ControlException(ControlError.UNAVAILABLE, "this node has no group messaging (it needs a backbone)");
        }
        String group = args.string("group");
        int port = args.integer("port", 0, Ports.MAX);
        Message message = Message.of(args.string("message"));
        BroadcastResult result = completion.await(groups.broadcast(group, port, message));
        ObjectNode data = Json.object().put("group", result.group());
        data.set("delivered", Views.records(result.delivered()));
        ArrayNode failed = data.putArray("failed");
        for (BroadcastResult.Failure failure : result.failed()) {
            failed.add(Views.record(failure.member()).put("reason", failure.reason()));
        }
        return data;
    }

    private ObjectNode send(Arguments args) {
        String target = args.string("target");
        int port = args.integer("port", 0, Ports.MAX);
        byte[] body = args.string("data").getBytes(StandardCharsets.UTF_8);
        PilotAddress address = targets.resolve(target);
        completion.await(node.send(new PilotSocketAddress(address, port), Message.of(body)));
        return Json.object().put("target", target).put("address", address.toString()).put("port", port)
                .put("bytes", body.length);
    }

    private ObjectNode stop() {
        if (onStop == null) {
            throw new ControlException(ControlError.UNAVAILABLE, "this node was given no way to stop from the control socket");
        }
        onStop.run();
        return Json.object().put("stopping", true);
    }

    private ObjectNode backbone() {
        if (directory == null) {
            return Json.object().put("status", "NONE");
        }
        return Json.object().put("status", directory.status().name())
                .put("address", directory.backbone().map(PilotAddress::toString).orElse(null))
                .put("lastError", directory.lastError().isEmpty() ? null : directory.lastError());
    }

    private Optional<NodeRecord> record() {
        return directory == null ? Optional.empty() : directory.record();
    }

    private DirectoryClient requireDirectory() {
        if (directory == null) {
            throw new ControlException(ControlError.UNAVAILABLE, "this node has no backbone directory");
        }
        return directory;
    }

    /** Configures {@link ControlCommands}; only the node is required. */
    public static final class Builder {
        private final PilotNode node;
        private DirectoryClient directory;
        private GroupMessaging groups;
        private Path identityPath;
        private Runnable onStop;
        private Duration timeout = Duration.ofSeconds(10);

        private Builder(PilotNode node) {
            this.node = Objects.requireNonNull(node, "node");
        }

        /** Enables hostnames as targets, {@code find}, {@code groups}, and hostnames in {@code peers}. */
        public Builder directory(DirectoryClient directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** Enables {@code broadcast}. */
        public Builder groups(GroupMessaging groups) {
            this.groups = Objects.requireNonNull(groups, "groups");
            return this;
        }

        /** Where the node's identity is kept, shown by {@code identity}. */
        public Builder identityPath(Path identityPath) {
            this.identityPath = Objects.requireNonNull(identityPath, "identityPath");
            return this;
        }

        /**
         * What {@code stop} does: shut the node down. It runs on a control worker thread before the answer
         * is sent; it may close the {@link ControlServer} (the answer still goes out).
         */
        public Builder onStop(Runnable onStop) {
            this.onStop = Objects.requireNonNull(onStop, "onStop");
            return this;
        }

        /** The longest a command waits for the node, the directory or a peer (per ping); default 10 s. */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            this.timeout = timeout;
            return this;
        }

        public ControlCommands build() {
            return new ControlCommands(this);
        }
    }
}

package io.pilot.engine.control;

import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.NodeRecord;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import tools.jackson.databind.node.ObjectNode;

/**
 * {@code groups}, {@code join} and {@code leave}: the node's groups as its published record has them, and
 * changes to them through the directory client, which publishes at once. Nothing is persisted: a change
 * lasts as long as the node runs. Each answers the groups as they are afterwards.
 */
final class MembershipCommands {

    private final Supplier<DirectoryClient> directory;
    private final Completion completion;

    /** @param directory the node's directory client, or an UNAVAILABLE error when it has none */
    MembershipCommands(Supplier<DirectoryClient> directory, Completion completion) {
        this.directory = directory;
        this.completion = completion;
    }

    ObjectNode list(Arguments args, Progress progress) {
        return groups(current(directory.get()));
    }

    /** Args: {@code group}, optional {@code token} (text, sent as UTF-8) for a group that needs one. */
    ObjectNode join(Arguments args, Progress progress) {
        DirectoryClient client = directory.get();
        String group = args.string("group");
        byte[] token = args.optionalString("token").map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
        return groups(completion.await(client.joinGroup(group, token)).groups());
    }

    /** Args: {@code group}, one the node is in. */
    ObjectNode leave(Arguments args, Progress progress) {
        DirectoryClient client = directory.get();
        String group = args.string("group");
        Collection<String> current = current(client);
        if (!current.contains(group)) {
            throw new ControlException(ControlError.NOT_FOUND, "this node is not a member of '" + group + "' (its groups: "
                    + (current.isEmpty() ? "none" : String.join(", ", current)) + ")");
        }
        return groups(completion.await(client.leaveGroup(group)).groups());
    }

    /** The groups of the record the node published (none before it registered). */
    private static Collection<String> current(DirectoryClient client) {
        return client.record().<Collection<String>>map(NodeRecord::groups).orElse(List.of());
    }

    private static ObjectNode groups(Collection<String> groups) {
        ObjectNode data = Json.object();
        data.set("groups", Views.strings(groups));
        return data;
    }
}

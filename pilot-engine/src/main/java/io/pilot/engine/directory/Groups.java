package io.pilot.engine.directory;

import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.DirectoryProtocol.GroupPolicy;

import java.util.concurrent.CompletableFuture;

/**
 * The node's group operations: creating a group at the backbone, and joining or leaving one, which changes
 * the groups its record lists and publishes it at once.
 */
final class Groups {

    private final BackboneCall backbone;
    private final Registration registration;

    Groups(BackboneCall backbone, Registration registration) {
        this.backbone = backbone;
        this.registration = registration;
    }

    CompletableFuture<Void> create(String group, GroupPolicy policy, byte[] token) {
        byte[] request = new BinaryWriter().u8(DirectoryProtocol.OP_CREATE_GROUP).string8(Names.checkGroup(group))
                .u8(policy.ordinal()).bytes16(token == null ? new byte[0] : token).toBytes();
        return backbone.call(request, reply -> {
            reply.end();
            return null;
        });
    }

    CompletableFuture<NodeRecord> join(String group, byte[] credential) {
        Names.checkGroup(group);
        return registration.changeMembership(current -> current.with(group, credential));
    }

    CompletableFuture<NodeRecord> leave(String group) {
        Names.checkGroup(group);
        return registration.changeMembership(current -> current.without(group));
    }
}

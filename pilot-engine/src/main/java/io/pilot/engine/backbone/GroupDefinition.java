package io.pilot.engine.backbone;

import io.pilot.engine.directory.DirectoryProtocol.GroupPolicy;
import io.pilot.engine.identity.NodeKey;

/**
 * A group's admission rule. {@code owner} is the key that created it (it signs invitations);
 * {@code tokenHash} is the SHA-256 of the token for {@link GroupPolicy#TOKEN}, never the token itself.
 */
public record GroupDefinition(String name, GroupPolicy policy, NodeKey owner, byte[] tokenHash) {
}

package io.pilot.engine.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.DirectoryProtocol.GroupPolicy;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.identity.Identity;

import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An owner runs the same invitation group on two backbones (one key, two directories). An invitation it
 * signed for one backbone must not open the group on the other: it names the backbone and the realm.
 */
class InvitationBindingTests {

    @RegisterExtension
    final Mesh first = new Mesh();

    @RegisterExtension
    final Mesh second = new Mesh();

    private final Identity owner = TestNodes.newIdentity();
    private final Identity invitee = TestNodes.newIdentity();

    @BeforeEach
    void start() {
        for (Mesh mesh : new Mesh[] {first, second}) {
            mesh.startBackbone(BackboneSettings.DEFAULTS, DirectoryStore.none());
            PilotNode ownerNode = mesh.nodes.start(b -> b.identity(owner));
            mesh.agent(ownerNode, "owner", b -> b).createGroup("BOARD", GroupPolicy.INVITATION, null).join();
        }
    }

    @Test
    void anInvitationForOneBackboneIsRefusedByAnotherAndAdmitsOnItsOwn() {
        byte[] invitation = Invitation.create(owner, 0, first.backboneNode.publicKey(), "BOARD", invitee.publicKey(),
                System.currentTimeMillis() + 60_000);

        DirectoryClient elsewhere = second.client(second.nodes.start(b -> b.identity(invitee)), "director",
                b -> b.group("BOARD").groupCredential("BOARD", invitation));
        assertRefused(elsewhere, "another backbone");
        assertThat(second.backbone.refusals()).containsEntry(DirectoryError.GROUP_DENIED, 1L);

        DirectoryClient member = first.agent(first.nodes.start(b -> b.identity(invitee)), "director",
                b -> b.group("BOARD").groupCredential("BOARD", invitation));
        assertThat(member.members("BOARD").join()).extracting(NodeRecord::hostname).containsExactly("director");
    }

    @Test
    void anInvitationForAnotherRealmIsRefused() {
        byte[] invitation = Invitation.create(owner, 7, first.backboneNode.publicKey(), "BOARD", invitee.publicKey(),
                System.currentTimeMillis() + 60_000);
        assertRefused(first.client(first.nodes.start(b -> b.identity(invitee)), "director",
                b -> b.group("BOARD").groupCredential("BOARD", invitation)), "realm 7");
    }

    private static void assertRefused(DirectoryClient client, String reason) {
        assertThatThrownBy(() -> client.start().join()).isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(DirectoryException.class, e -> {
                    assertThat(e.error()).isEqualTo(DirectoryError.GROUP_DENIED);
                    assertThat(e.getMessage()).contains(reason);
                });
        client.close();
    }
}

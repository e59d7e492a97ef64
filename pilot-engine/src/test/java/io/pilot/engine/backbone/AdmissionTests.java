package io.pilot.engine.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.DirectoryProtocol.GroupPolicy;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.Message;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AdmissionTests {

    @RegisterExtension
    final Mesh mesh = new Mesh();

    @Test
    void aRealmWithAJoinTokenAdmitsOnlyNodesThatPresentIt() {
        mesh.startBackbone(BackboneSettings.DEFAULTS.withJoinToken("s3cret"), DirectoryStore.none());
        assertRefused(mesh.client(mesh.node(), "no-token", b -> b), DirectoryError.JOIN_TOKEN_REQUIRED);
        assertRefused(mesh.client(mesh.node(), "bad-token", b -> b.joinToken("guess")), DirectoryError.JOIN_TOKEN_INVALID);
        DirectoryClient member = mesh.agent("member", b -> b.joinToken("s3cret"));
        assertThat(member.status()).isEqualTo(DirectoryClient.Status.REGISTERED);
        assertThat(mesh.backbone.registrations()).isEqualTo(1);
    }

    @Test
    void aJoinTokenNoNodeCouldPresentIsRefusedWhenTheBackboneIsConfiguredAndNotQuoted() {
        String tooLong = "secret-" + "x".repeat(250);
        assertThatThrownBy(() -> BackboneSettings.DEFAULTS.withJoinToken(tooLong))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 255 bytes")
                .hasMessageNotContaining("secret-");
        assertThatThrownBy(() -> BackboneSettings.DEFAULTS.withJoinToken("  "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThat(BackboneSettings.DEFAULTS.withJoinToken("x".repeat(255)).joinToken()).hasSize(255);
    }

    @Test
    void aHostnameStaysWithItsKeyAfterALapseAndItsOwnerReclaimsIt() {
        mesh.startBackbone(BackboneSettings.DEFAULTS.withLeaseTtl(Duration.ofMillis(300)), DirectoryStore.none());
        PilotNode original = mesh.node();
        DirectoryClient first = mesh.agent(original, "papers", b -> b);
        first.close();
        assertRefused(mesh.client(mesh.node(), "papers", b -> b), DirectoryError.HOSTNAME_TAKEN);
        // The same key (a restart of the same node) gets its name back.
        DirectoryClient again = mesh.agent(original, "papers", b -> b);
        assertThat(again.status()).isEqualTo(DirectoryClient.Status.REGISTERED);
    }

    @Test
    void aLapsedHostnameIsFreeOnceTheHoldHasPassed() throws InterruptedException {
        mesh.startBackbone(BackboneSettings.DEFAULTS.withHostnameHold(Duration.ofMillis(200)), DirectoryStore.none());
        mesh.agent("papers", b -> b).close();
        Thread.sleep(300);
        assertThat(mesh.agent("papers", b -> b).status()).isEqualTo(DirectoryClient.Status.REGISTERED);
    }

    @Test
    void groupsAdmitByTokenOrByTheOwnersInvitation() {
        mesh.startBackbone(BackboneSettings.DEFAULTS, DirectoryStore.none());
        PilotNode ownerNode = mesh.node();
        DirectoryClient owner = mesh.agent(ownerNode, "owner", b -> b);
        owner.createGroup("TRADING", GroupPolicy.TOKEN, "desk-42".getBytes(StandardCharsets.UTF_8)).join();
        owner.createGroup("BOARD", GroupPolicy.INVITATION, null).join();

        assertRefused(mesh.client(mesh.node(), "trader-1", b -> b.group("TRADING")), DirectoryError.GROUP_DENIED);
        assertRefused(mesh.client(mesh.node(), "trader-2", b -> b.group("TRADING")
                .groupCredential("TRADING", "wrong".getBytes(StandardCharsets.UTF_8))), DirectoryError.GROUP_DENIED);
        mesh.agent("trader-3", b -> b.group("TRADING").groupCredential("TRADING", "desk-42".getBytes(StandardCharsets.UTF_8)));

        PilotNode invitee = mesh.node();
        PilotNode stranger = mesh.node();
        byte[] invitation = Invitation.create(ownerNode.identity(), 0, mesh.backboneNode.publicKey(), "BOARD", invitee.publicKey(),
                System.currentTimeMillis() + 60_000);
        // An invitation names its invitee: someone else presenting it is refused.
        assertRefused(mesh.client(stranger, "stranger", b -> b.group("BOARD").groupCredential("BOARD", invitation)),
                DirectoryError.GROUP_DENIED);
        byte[] expired = Invitation.create(ownerNode.identity(), 0, mesh.backboneNode.publicKey(), "BOARD", invitee.publicKey(), System.currentTimeMillis() - 1);
        assertRefused(mesh.client(invitee, "late", b -> b.group("BOARD").groupCredential("BOARD", expired)),
                DirectoryError.GROUP_DENIED);
        mesh.agent(invitee, "director", b -> b.group("BOARD").groupCredential("BOARD", invitation));

        DirectoryClient observer = mesh.agent("observer", b -> b.group("OPEN-CLUB"));
        assertThat(observer.members("TRADING").join()).extracting(NodeRecord::hostname).containsExactly("trader-3");
        assertThat(observer.members("BOARD").join()).extracting(NodeRecord::hostname).containsExactly("director");
        assertThat(observer.members("OPEN-CLUB").join()).extracting(NodeRecord::hostname).containsExactly("observer");
        // Only the owner may redefine a group.
        assertThat(readStatus(createGroupRequest(invitee, "TRADING", GroupPolicy.OPEN, ""))).isEqualTo(
                1 + DirectoryError.GROUP_DENIED.ordinal());
    }


    private byte[] createGroupRequest(PilotNode from, String name, GroupPolicy policy, String token) {
        byte[] body = new BinaryWriter().u8(DirectoryProtocol.OP_CREATE_GROUP).string8(name).u8(policy.ordinal())
                .bytes16(token.getBytes(StandardCharsets.UTF_8)).toBytes();
        return from.request(new PilotSocketAddress(mesh.backboneNode.address(), DirectoryProtocol.PORT), Message.of(body))
                .join().body();
    }

    private static int readStatus(byte[] reply) {
        return reply[0] & 0xFF;
    }

    private static void assertRefused(DirectoryClient client, DirectoryError error) {
        assertThatThrownBy(() -> client.start().join()).isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(DirectoryException.class, e -> assertThat(e.error()).isEqualTo(error));
        client.close();
    }
}

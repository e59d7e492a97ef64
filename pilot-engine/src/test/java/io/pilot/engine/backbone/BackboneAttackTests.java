package io.pilot.engine.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.CapabilityInfo;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.DirectoryProtocol.GroupPolicy;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.message.Message;

import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node with a session at the backbone tries to grow its tables (watches, group definitions): what it may
 * hold is tied to a live registration, capped per node and in all, and rate limited; every refusal is counted,
 * and a legitimate agent keeps being served meanwhile.
 */
class BackboneAttackTests {

    @RegisterExtension
    final Mesh mesh = new Mesh();

    private DirectoryClient honest;
    private PilotNode attacker;

    private void start(BackboneSettings settings) {
        mesh.startBackbone(settings, DirectoryStore.none());
        honest = mesh.agent("honest", b -> b.capability("good.service"));
        attacker = connectedNode();
    }

    @Test
    void aNodeThatNeverRegisteredCanNeitherWatchNorCreateGroups() {
        start(BackboneSettings.DEFAULTS);
        int watchesBefore = mesh.backbone.watches();
        for (int i = 0; i < 20; i++) {
            assertThat(status(request(attacker, watch("good.service")))).isEqualTo(code(DirectoryError.NOT_REGISTERED));
            assertThat(status(request(attacker, createGroup("squat-" + i)))).isEqualTo(code(DirectoryError.NOT_REGISTERED));
        }
        assertThat(mesh.backbone.watches()).isEqualTo(watchesBefore);
        assertThat(mesh.backbone.groups()).isZero();
        assertThat(mesh.backbone.refusals().get(DirectoryError.NOT_REGISTERED)).isEqualTo(40L);
        assertThat(honest.find("good.service").join()).hasSize(1);
    }

    @Test
    void watchesEndWithALapsedRegistrationAndCannotBeOpenedAgainWithoutOne() {
        start(BackboneSettings.DEFAULTS.withLeaseTtl(Duration.ofMillis(1500)));
        int watchesBefore = mesh.backbone.watches();
        assertThat(status(request(attacker, register(attacker, "lapser")))).isZero();
        for (int i = 0; i < 10; i++) {
            assertThat(status(request(attacker, watch("good.service")))).isZero();
        }
        assertThat(mesh.backbone.watches()).isEqualTo(watchesBefore + 10);
        // The attacker never heartbeats: its lease lapses, and its watches go with it.
        await().atMost(Duration.ofSeconds(10)).until(() -> mesh.backbone.registrations() == 1);
        assertThat(mesh.backbone.watches()).isEqualTo(watchesBefore);
        assertThat(status(request(attacker, watch("good.service")))).isEqualTo(code(DirectoryError.NOT_REGISTERED));
        assertThat(mesh.backbone.watches()).isEqualTo(watchesBefore);
        assertThat(honest.find("good.service").join()).hasSize(1);
    }

    @Test
    void aWatchFloodIsCappedPerNodeAndWatchChurnIsThrottled() {
        start(BackboneSettings.DEFAULTS.withWatchLimits(8, 5));
        assertThat(status(request(attacker, register(attacker, "watcher")))).isZero();
        int watchesBefore = mesh.backbone.watches();
        int refused = 0;
        for (int i = 0; i < 200; i++) {
            byte[] reply = request(attacker, watch("good.service"));
            if (status(reply) == 0) {
                // Churn: end it at once, so the per-node cap alone would never stop it.
                request(attacker, new BinaryWriter().u8(DirectoryProtocol.OP_UNWATCH).u32(subscription(reply)).toBytes());
            } else {
                assertThat(status(reply)).isEqualTo(code(DirectoryError.TOO_MANY));
                refused++;
            }
        }
        assertThat(refused).isGreaterThan(100);
        for (int i = 0; i < 50; i++) {
            request(attacker, watch("good.service"));
        }
        assertThat(mesh.backbone.watches()).isLessThanOrEqualTo(watchesBefore + 8);
        assertThat(mesh.backbone.refusals().get(DirectoryError.TOO_MANY)).isGreaterThanOrEqualTo(refused);
        DirectoryClient newcomer = mesh.agent("newcomer", b -> b.capability("good.service"));
        assertThat(newcomer.find("good.service").join()).hasSize(2);
    }

    @Test
    void groupCreationIsThrottledAndCappedPerOwnerAndInAll() {
        start(BackboneSettings.DEFAULTS.withGroupLimits(4, 6, 1));
        assertThat(status(request(attacker, register(attacker, "founder")))).isZero();
        int refused = 0;
        for (int i = 0; i < 50; i++) {
            if (status(request(attacker, createGroup("flood-" + i))) == code(DirectoryError.TOO_MANY)) {
                refused++;
            }
        }
        // A burst of two, then one a second: a flood of 50 back to back gets at most a few through.
        assertThat(refused).isGreaterThanOrEqualTo(45);
        assertThat(mesh.backbone.groups()).isLessThanOrEqualTo(4);
        assertThat(honest.find("good.service").join()).hasSize(1);
    }

    @Test
    void groupDefinitionsAreCappedPerOwnerAndInAll() {
        start(BackboneSettings.DEFAULTS.withGroupLimits(4, 6, 1000));
        assertThat(status(request(attacker, register(attacker, "founder")))).isZero();
        for (int i = 0; i < 20; i++) {
            request(attacker, createGroup("mine-" + i));
        }
        assertThat(mesh.backbone.groups()).isEqualTo(4);
        // Updating a group it owns is not a new definition.
        assertThat(status(request(attacker, createGroup("mine-0")))).isZero();
        PilotNode second = connectedNode();
        assertThat(status(request(second, register(second, "second-founder")))).isZero();
        for (int i = 0; i < 20; i++) {
            request(second, createGroup("theirs-" + i));
        }
        assertThat(mesh.backbone.groups()).isEqualTo(6);
        assertThat(mesh.backbone.refusals().get(DirectoryError.TOO_MANY)).isEqualTo(16L + 18L);
        assertThat(honest.find("good.service").join()).hasSize(1);
    }

    private PilotNode connectedNode() {
        PilotNode node = mesh.node();
        node.connect(mesh.backboneNode.publicKey(), mesh.backboneNode.localEndpoint()).join();
        return node;
    }

    private static byte[] watch(String capability) {
        return new BinaryWriter().u8(DirectoryProtocol.OP_WATCH).u8(Query.CAPABILITY.ordinal()).string8(capability).toBytes();
    }

    private static byte[] createGroup(String name) {
        return new BinaryWriter().u8(DirectoryProtocol.OP_CREATE_GROUP).string8(name).u8(GroupPolicy.OPEN.ordinal())
                .bytes16(new byte[0]).toBytes();
    }

    private static byte[] register(PilotNode node, String hostname) {
        NodeRecord record = new NodeRecord(0, node.identity().publicKey(), hostname, List.of(CapabilityInfo.of("bad.service")),
                new TreeSet<>(), List.of(), System.currentTimeMillis(), System.currentTimeMillis() + 3_600_000);
        byte[] signed = SignedRecord.sign(record, node.identity()).toBytes();
        return new BinaryWriter().u8(DirectoryProtocol.OP_REGISTER).string8("").u8(0).bytes16(signed).toBytes();
    }

    private byte[] request(PilotNode from, byte[] body) {
        return from.request(new PilotSocketAddress(mesh.backboneNode.address(), DirectoryProtocol.PORT), Message.of(body))
                .join().body();
    }

    private static int subscription(byte[] okReply) {
        return ((okReply[1] & 0xFF) << 24) | ((okReply[2] & 0xFF) << 16) | ((okReply[3] & 0xFF) << 8) | (okReply[4] & 0xFF);
    }

    private static int status(byte[] reply) {
        return reply[0] & 0xFF;
    }

    private static int code(DirectoryError error) {
        return 1 + error.ordinal();
    }
}

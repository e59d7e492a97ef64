package io.pilot.engine.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.CapabilityInfo;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.message.Message;

import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Hostile and broken requests at the backbone: each refused with a typed error and counted; everyone else is served. */
class BackboneAbuseTests {

    @RegisterExtension
    final Mesh mesh = new Mesh();

    private PilotNode attacker;
    private DirectoryClient honest;

    @BeforeEach
    void start() {
        mesh.startBackbone(BackboneSettings.DEFAULTS.withRegistrationsPerSecond(20), DirectoryStore.none());
        honest = mesh.agent("honest", b -> b.capability("good.service"));
        attacker = mesh.node();
        attacker.connect(mesh.backboneNode.publicKey(), mesh.backboneNode.localEndpoint()).join();
    }

    @Test
    void aRecordSignedByAnotherKeyIsRefused() {
        Identity victim = TestNodes.newIdentity();
        SignedRecord genuine = SignedRecord.sign(record(victim, "victim", 1), victim);
        byte[] forged = genuine.toBytes();
        forged[forged.length - 1] ^= 1;
        assertRefused(register(forged), DirectoryError.BAD_RECORD, "signature does not verify");
    }

    @Test
    void aNodeCannotPublishSomeoneElsesRecord() {
        Identity victim = TestNodes.newIdentity();
        assertRefused(register(SignedRecord.sign(record(victim, "victim", 1), victim).toBytes()), DirectoryError.WRONG_KEY,
                "only publish its own record");
    }

    @Test
    void anOlderSequenceIsRefused() {
        assertThat(status(register(signed("replayer", 10)))).isZero();
        assertRefused(register(signed("replayer", 9)), DirectoryError.STALE_SEQUENCE, "not newer");
        assertRefused(register(signed("replayer", 10)), DirectoryError.STALE_SEQUENCE, "not newer");
    }

    @Test
    void hostnameTheftIsRefused() {
        assertRefused(register(signed("honest", System.currentTimeMillis())), DirectoryError.HOSTNAME_TAKEN,
                "belongs to another key");
        assertThat(honest.lookup("honest").join().key()).isEqualTo(honest.node().publicKey());
    }

    @Test
    void oversizedTruncatedGarbageAndUnknownRequestsAreRefused() {
        assertRefused(request(new byte[] {(byte) 0x7E}), DirectoryError.UNKNOWN_OPERATION, "operation 126");
        assertRefused(request(new byte[] {DirectoryProtocol.OP_REGISTER}), DirectoryError.BAD_REQUEST, "truncated");
        assertRefused(request(new byte[0]), DirectoryError.BAD_REQUEST, "truncated");
        byte[] huge = new BinaryWriter().u8(DirectoryProtocol.OP_REGISTER).string8("").u8(0).bytes16(new byte[60_000]).toBytes();
        assertRefused(request(huge), DirectoryError.BAD_RECORD, "");
        assertRefused(request(new BinaryWriter().u8(DirectoryProtocol.OP_LOOKUP).u8(99).string8("x").toBytes()),
                DirectoryError.BAD_REQUEST, "unknown query kind");
        assertRefused(request(new BinaryWriter().u8(DirectoryProtocol.OP_LOOKUP).u8(2).string8("not-an-address").toBytes()),
                DirectoryError.BAD_REQUEST, "invalid Pilot address");
        Random random = new Random(29);
        for (int i = 0; i < 300; i++) {
            byte[] junk = new byte[random.nextInt(300)];
            random.nextBytes(junk);
            assertThat(status(request(junk))).isPositive();
        }
        assertThat(mesh.backbone.refusals()).containsKeys(DirectoryError.UNKNOWN_OPERATION, DirectoryError.BAD_REQUEST,
                DirectoryError.BAD_RECORD);
        assertThat(honest.find("good.service").join()).hasSize(1);
    }

    @Test
    void aRegistrationFloodIsThrottledWhileOthersAreServed() {
        int refused = 0;
        long sequence = System.currentTimeMillis();
        for (int i = 0; i < 200; i++) {
            byte[] reply = register(signed("flooder", sequence + i));
            if (status(reply) == 1 + DirectoryError.TOO_MANY.ordinal()) {
                refused++;
            }
        }
        assertThat(refused).isGreaterThan(100);
        assertThat(mesh.backbone.refusals()).containsKey(DirectoryError.TOO_MANY);
        DirectoryClient newcomer = mesh.agent("newcomer", b -> b.capability("good.service"));
        assertThat(newcomer.find("good.service").join()).hasSize(2);
    }

    @Test
    void expiredAndFarFutureRecordsAreRefused() {
        Identity self = attacker.identity();
        NodeRecord expired = new NodeRecord(0, self.publicKey(), "late", List.of(), new TreeSet<>(), List.of(), 1, 1000);
        assertRefused(register(SignedRecord.sign(expired, self).toBytes()), DirectoryError.EXPIRED_RECORD, "expired");
        NodeRecord future = new NodeRecord(0, self.publicKey(), "late", List.of(), new TreeSet<>(), List.of(), 1,
                System.currentTimeMillis() + 400L * 24 * 3600 * 1000);
        assertRefused(register(SignedRecord.sign(future, self).toBytes()), DirectoryError.EXPIRED_RECORD, "ahead");
    }

    private byte[] signed(String hostname, long sequence) {
        return SignedRecord.sign(record(attacker.identity(), hostname, sequence), attacker.identity()).toBytes();
    }

    private static NodeRecord record(Identity identity, String hostname, long sequence) {
        return new NodeRecord(0, identity.publicKey(), hostname, List.of(CapabilityInfo.of("bad.service")), new TreeSet<>(),
                List.of(), sequence, System.currentTimeMillis() + 3_600_000);
    }

    private byte[] register(byte[] record) {
        return request(new BinaryWriter().u8(DirectoryProtocol.OP_REGISTER).string8("").u8(0).bytes16(record).toBytes());
    }

    private byte[] request(byte[] body) {
        return attacker.request(new PilotSocketAddress(mesh.backboneNode.address(), DirectoryProtocol.PORT), Message.of(body))
                .join().body();
    }

    private static int status(byte[] reply) {
        return reply[0] & 0xFF;
    }

    private static void assertRefused(byte[] reply, DirectoryError error, String message) {
        try {
            DirectoryProtocol.readReply(reply);
            throw new AssertionError("expected " + error);
        } catch (DirectoryException e) {
            assertThat(e.error()).isEqualTo(error);
            assertThat(e.getMessage()).contains(message);
        }
    }
}

package io.pilot.engine.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.CapabilityInfo;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;

import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What {@link BackboneDirectory#answerOnLoop} answers (small lookups, heartbeats, from the record indexes without
 * the registry's lock) and what it leaves to the handler pool (large lookups, every change). {@link Backbone} does
 * not wire it onto its node's event loop yet.
 */
class AnsweredOnTheEventLoopTests {

    @RegisterExtension
    final Mesh mesh = new Mesh();

    @Test
    void aLookupOfManyRecordsAndEveryChangeAreLeftToTheHandlerPool() {
        PilotNode stand = mesh.node();
        BackboneDirectory directory = new BackboneDirectory(stand, BackboneSettings.DEFAULTS, DirectoryStore.none());
        int realm = stand.address().realm();
        Identity asker = TestNodes.newIdentity();
        int many = DirectoryService.ON_LOOP_RECORDS + 1;
        for (int i = 0; i < many; i++) {
            Identity agent = TestNodes.newIdentity();
            NodeRecord record = new NodeRecord(realm, agent.publicKey(), "popular-" + i, List.of(CapabilityInfo.of("popular")),
                    new TreeSet<>(), List.of(), 1, System.currentTimeMillis() + Duration.ofHours(1).toMillis());
            byte[] register = new BinaryWriter().u8(DirectoryProtocol.OP_REGISTER).string8("").u8(0)
                    .bytes16(SignedRecord.sign(record, agent).toBytes()).toBytes();
            assertThat(directory.answerOnLoop(incoming(agent, realm, register))).as("a change").isNull();
            DirectoryProtocol.readReply(directory.handle(incoming(agent, realm, register)).toCompletableFuture().join().body());
        }

        IncomingMessage byCapability = incoming(asker, realm, lookupBody(Query.CAPABILITY, "popular"));
        assertThat(directory.answerOnLoop(byCapability)).isNull();
        assertThat(DirectoryProtocol.readReply(directory.handle(byCapability).toCompletableFuture().join().body()).u32())
                .isEqualTo(many);
        assertThat(directory.answerOnLoop(incoming(asker, realm, lookupBody(Query.ALL, "")))).isNull();

        Message one = directory.answerOnLoop(incoming(asker, realm, lookupBody(Query.HOSTNAME, "popular-7")));
        BinaryReader found = DirectoryProtocol.readReply(one.body());
        assertThat(found.u32()).isEqualTo(1);
        assertThat(SignedRecord.decode(found.bytes16()).record().hostname()).isEqualTo("popular-7");
        assertThat(directory.requests(DirectoryProtocol.OP_LOOKUP)).as("each counted once, where it was answered").isEqualTo(2);
    }

    private static byte[] lookupBody(Query query, String value) {
        return new BinaryWriter().u8(DirectoryProtocol.OP_LOOKUP).u8(query.ordinal()).string8(value).toBytes();
    }

    private static IncomingMessage incoming(Identity from, int realm, byte[] body) {
        PilotAddress address = from.publicKey().address(realm);
        return new IncomingMessage(address, from.publicKey(), DirectoryProtocol.PORT, Message.of(body), true);
    }
}

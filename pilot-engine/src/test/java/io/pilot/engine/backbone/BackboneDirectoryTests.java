package io.pilot.engine.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
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

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A directory answers requests handed to it in-process as the backbone's does over the network. */
class BackboneDirectoryTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    private PilotNode stand;
    private BackboneDirectory directory;

    @BeforeEach
    void startDirectory() {
        stand = nodes.start();
        directory = new BackboneDirectory(stand, BackboneSettings.DEFAULTS, DirectoryStore.none());
    }

    @Test
    void registersLooksUpAndKeepsLiveLeasesThroughASweep() {
        Identity agent = TestNodes.newIdentity();
        NodeRecord record = new NodeRecord(stand.address().realm(), agent.publicKey(), "agent-1", List.of(),
                new TreeSet<>(), List.of(), 1, System.currentTimeMillis() + Duration.ofHours(1).toMillis());

        reply(agent, new BinaryWriter().u8(DirectoryProtocol.OP_REGISTER).string8("").u8(0)
                .bytes16(SignedRecord.sign(record, agent).toBytes()).toBytes());
        directory.expireLeases();

        assertThat(directory.registrations()).isEqualTo(1);
        BinaryReader found = reply(agent, new BinaryWriter().u8(DirectoryProtocol.OP_LOOKUP)
                .u8(Query.HOSTNAME.ordinal()).string8("agent-1").toBytes());
        assertThat(found.u32()).isEqualTo(1);
        assertThat(SignedRecord.decode(found.bytes16()).record()).isEqualTo(record);
    }

    @Test
    void refusesAsTheBackboneDoes() {
        assertThatThrownBy(() -> reply(TestNodes.newIdentity(),
                new BinaryWriter().u8(DirectoryProtocol.OP_HEARTBEAT).toBytes()))
                .isInstanceOfSatisfying(DirectoryException.class,
                        e -> assertThat(e.error()).isEqualTo(DirectoryError.NOT_REGISTERED));
        assertThat(directory.registrations()).isZero();
    }

    @Test
    void aWatchThatNamesTheLastRevisionItHeardGetsEveryChangeSinceInOrder() {
        Identity watcher = TestNodes.newIdentity();
        Identity fx = TestNodes.newIdentity();
        register(watcher, "watcher", 1);
        register(fx, "fx", 1);
        BinaryReader first = reply(watcher, watchFrom("fx", 0, 0));
        first.u32();
        long since = first.u64();
        long epoch = first.u64();
        assertThat(first.u8()).isEqualTo(DirectoryProtocol.WATCH_SNAPSHOT);
        register(fx, "fx", 2);
        register(fx, "fx", 3);
        register(TestNodes.newIdentity(), "other", 1); // another node: not this watch's

        BinaryReader resumed = reply(watcher, watchFrom("fx", since, epoch));
        resumed.u32();
        assertThat(resumed.u64()).isEqualTo(directory.revision());
        assertThat(resumed.u64()).isEqualTo(epoch);
        assertThat(resumed.u8()).isEqualTo(DirectoryProtocol.WATCH_REPLAYED);
        assertThat(resumed.u32()).isEqualTo(2);
        for (long sequence = 2; sequence <= 3; sequence++) {
            assertThat(resumed.u8()).isEqualTo(DirectoryProtocol.EVENT_UPDATE);
            assertThat(resumed.u64()).isEqualTo(since + sequence - 1);
            assertThat(SignedRecord.decode(resumed.bytes16()).record().sequence()).isEqualTo(sequence);
        }
        resumed.end();
    }

    @Test
    void revisionsOfAnotherRunOfThisBackboneAreAnsweredWithASnapshot() {
        Identity watcher = TestNodes.newIdentity();
        register(watcher, "watcher", 1);
        BinaryReader first = reply(watcher, watchFrom("watcher", 0, 0));
        first.u32();
        first.u64();
        long epoch = first.u64();

        BinaryReader resumed = reply(watcher, watchFrom("watcher", 1, epoch + 1));
        resumed.u32();
        resumed.u64();
        resumed.u64();
        assertThat(resumed.u8()).isEqualTo(DirectoryProtocol.WATCH_SNAPSHOT);
        assertThat(resumed.u32()).isEqualTo(1);
        assertThat(SignedRecord.decode(resumed.bytes16()).record().hostname()).isEqualTo("watcher");
    }

    private static byte[] watchFrom(String hostname, long since, long epoch) {
        return new BinaryWriter().u8(DirectoryProtocol.OP_WATCH_FROM).u8(Query.HOSTNAME.ordinal()).string8(hostname)
                .u64(since).u64(epoch).toBytes();
    }

    private void register(Identity agent, String hostname, long sequence) {
        NodeRecord record = new NodeRecord(stand.address().realm(), agent.publicKey(), hostname, List.of(),
                new TreeSet<>(), List.of(), sequence, System.currentTimeMillis() + Duration.ofHours(1).toMillis());
        reply(agent, new BinaryWriter().u8(DirectoryProtocol.OP_REGISTER).string8("").u8(0)
                .bytes16(SignedRecord.sign(record, agent).toBytes()).toBytes());
    }

    /** The reply's body past its status, as a requester reads it; a refusal throws. */
    private BinaryReader reply(Identity from, byte[] request) {
        IncomingMessage in = new IncomingMessage(from.publicKey().address(stand.address().realm()), from.publicKey(),
                DirectoryProtocol.PORT, Message.of(request), true);
        return DirectoryProtocol.readReply(directory.handle(in).toCompletableFuture().join().body());
    }
}

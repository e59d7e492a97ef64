package io.pilot.engine.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lookups and heartbeats are answered on the backbone's event loop, from the record indexes: they never wait for
 * the registry's lock, which a registration holds across its store's write. Large lookups and every change are
 * left to the handler pool.
 */
class AnsweredOnTheEventLoopTests {

    @RegisterExtension
    final Mesh mesh = new Mesh();

    @Test
    void lookupsAndHeartbeatsAreAnsweredWhileARegistrationWaitsForItsStore() throws Exception {
        StalledStore store = new StalledStore("stalled");
        mesh.startBackbone(BackboneSettings.DEFAULTS, store);
        DirectoryClient known = mesh.agent("known", b -> b.capability("known.service"));
        PilotNode asker = mesh.node();
        asker.connect(mesh.backboneNode.publicKey(), mesh.backboneNode.localEndpoint()).join();
        CompletableFuture<NodeRecord> stalled = mesh.client(mesh.node(), "stalled", b -> b).start();
        assertThat(store.writing.await(20, TimeUnit.SECONDS)).as("the registration reached the store").isTrue();
        try {
            BinaryReader byHostname = lookup(asker, Query.HOSTNAME, "known");
            assertThat(byHostname.u32()).isEqualTo(1);
            assertThat(SignedRecord.decode(byHostname.bytes16()).record().hostname()).isEqualTo("known");
            assertThat(lookup(asker, Query.CAPABILITY, "known.service").u32()).isEqualTo(1);
            assertThat(lookup(asker, Query.ADDRESS, known.node().address().toString()).u32()).isEqualTo(1);
            BinaryReader heartbeat = request(known.node(), new BinaryWriter().u8(DirectoryProtocol.OP_HEARTBEAT).toBytes());
            assertThat(heartbeat.u32()).as("the lease granted").isEqualTo(BackboneSettings.DEFAULTS.leaseTtl().toMillis());
            assertThat(stalled).as("the registration still waits for its store").isNotDone();
        } finally {
            store.release.countDown();
        }
        assertThat(stalled.get(20, TimeUnit.SECONDS).hostname()).isEqualTo("stalled");
        assertThat(lookup(asker, Query.HOSTNAME, "stalled").u32()).isEqualTo(1);
        assertThat(mesh.backbone.requests(DirectoryProtocol.OP_LOOKUP)).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aLookupOfManyRecordsAndEveryChangeAreLeftToTheHandlerPool() {
        PilotNode stand = mesh.node();
        BackboneDirectory directory = new BackboneDirectory(stand, BackboneSettings.DEFAULTS, DirectoryStore.none());
        int realm = stand.address().realm();
        Identity asker = TestNodes.newIdentity();
        int many = DirectoryService.ON_LOOP_RECORDS + 1;
        for (int i = 0; i < many; i++) {
            IncomingMessage register = InProcessAgents.register(TestNodes.newIdentity(), realm, "popular-" + i, "popular");
            assertThat(directory.answerOnLoop(register)).as("a change").isNull();
            InProcessAgents.registered(directory, register);
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

    private BinaryReader lookup(PilotNode from, Query query, String value) {
        return request(from, lookupBody(query, value));
    }

    private static byte[] lookupBody(Query query, String value) {
        return new BinaryWriter().u8(DirectoryProtocol.OP_LOOKUP).u8(query.ordinal()).string8(value).toBytes();
    }

    private static IncomingMessage incoming(Identity from, int realm, byte[] body) {
        PilotAddress address = from.publicKey().address(realm);
        return new IncomingMessage(address, from.publicKey(), DirectoryProtocol.PORT, Message.of(body), true);
    }

    /** The reply's body past an ok status; waits no longer than a lookup answered on the loop ever needs. */
    private BinaryReader request(PilotNode from, byte[] body) {
        PilotSocketAddress backbone = new PilotSocketAddress(mesh.backboneNode.address(), DirectoryProtocol.PORT);
        return DirectoryProtocol.readReply(from.request(backbone, Message.of(body), Duration.ofSeconds(5)).join().body());
    }

    /** A store that holds up the write of one hostname's record (and with it the registry's lock) until released. */
    private static final class StalledStore implements DirectoryStore {

        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final String hostname;
        private final DirectoryStore none = DirectoryStore.none();

        StalledStore(String hostname) {
            this.hostname = hostname;
        }

        @Override
        public Snapshot load() {
            return none.load();
        }

        @Override
        public void saveRecord(SignedRecord record) {
            if (record.record().hostname().equals(hostname)) {
                writing.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void deleteRecord(PilotAddress address) {
        }

        @Override
        public void saveBinding(HostnameBinding binding) {
        }

        @Override
        public void deleteBinding(String hostname) {
        }

        @Override
        public void saveGroup(GroupDefinition group) {
        }

        @Override
        public void close() {
        }
    }
}

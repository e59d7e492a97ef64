package io.pilot.engine.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.RecordingListener;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lookups and watches whose records do not fit one message (docs/PROTOCOL.md §7.1, paged replies): a real backbone
 * whose message limit is 64 KiB holds 1,000 records of one capability, about three times what one reply carries.
 */
class PagedRepliesTests {

    private static final int MANY = 1_000;
    private static final int LIMIT = 64 * 1024;

    @RegisterExtension
    final Mesh mesh = new Mesh();

    @Test
    void aLookupTooLargeForOneMessageIsAskedForAgainInPagesAndEveryRecordArrivesVerified() {
        startBackboneHolding(MANY);
        PilotNode asker = connectedNode();
        assertThatThrownBy(() -> asker.request(directoryPort(), Message.of(lookup(Query.CAPABILITY, "popular")),
                Duration.ofSeconds(5)).join())
                .as("one reply cannot carry them").cause().isInstanceOfSatisfying(PilotException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
        long lookupsBefore = mesh.backbone.requests(DirectoryProtocol.OP_LOOKUP);

        DirectoryClient client = mesh.agent("asker", b -> b);
        List<NodeRecord> found = client.find("popular").join();

        assertThat(found).hasSize(MANY);
        assertThat(found.stream().map(NodeRecord::hostname).collect(Collectors.toSet())).hasSize(MANY)
                .contains("popular-0", "popular-999");
        assertThat(client.find("popular").join()).as("and again").hasSize(MANY);
        assertThat(mesh.backbone.requests(DirectoryProtocol.OP_LOOKUP) - lookupsBefore)
                .as("each lookup asked once whole, refused TOO_LARGE, then once in pages").isEqualTo(4);
        await().atMost(5, TimeUnit.SECONDS).until(() -> mesh.backbone.directory().pagedReplies() == 0);
    }

    @Test
    void aWatchGetsASnapshotOfManyPagesThenTheChangesAfterIt() {
        startBackboneHolding(MANY);
        DirectoryClient watcher = mesh.agent("watcher", b -> b);
        RecordingListener listener = new RecordingListener();
        watcher.watch(Query.CAPABILITY, "popular", listener).join();
        assertThat(listener.heard()).as("the snapshot, in pages").hasSize(MANY).doesNotHaveDuplicates()
                .allMatch(heard -> heard.startsWith("joined popular-"));

        DirectoryClient late = mesh.agent("late", b -> b.capability("popular"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> listener.count("joined", "late") == 1);
        late.close();
        await().atMost(10, TimeUnit.SECONDS).until(() -> listener.count("left", "late") == 1);
        assertThat(mesh.backbone.directory().pagedReplies()).isZero();
    }

    @Test
    void aReplyPastTheClientsLimitIsRefusedAndItsStreamLetGo() {
        startBackboneHolding(MANY);
        DirectoryClient client = mesh.agent("small", b -> b.maxReplySize(100_000));

        assertThatThrownBy(() -> client.find("popular").join()).cause()
                .isInstanceOfSatisfying(DirectoryException.class, e -> {
                    assertThat(e.error()).isEqualTo(DirectoryError.BAD_REQUEST);
                    assertThat(e.getMessage()).contains("limit of 100000 bytes", "maxReplySize");
                });
        await().atMost(5, TimeUnit.SECONDS).alias("the backbone let go of the snapshot")
                .until(() -> mesh.backbone.directory().pagedReplies() == 0);
        assertThat(client.lookup("popular-7").join().hostname()).as("the client goes on").isEqualTo("popular-7");
    }

    @Test
    void aNodeReadsAtMostItsShareOfPagedRepliesAtOnceAndAWatchBeyondIsRefusedAndWithdrawnUntilOneEnds() {
        startBackboneHolding(MANY);
        DirectoryClient registered = mesh.agent("watcher", b -> b);
        PilotNode asker = registered.node();
        byte[] watchAll = new BinaryWriter().u8(DirectoryProtocol.OP_WATCH_FROM).u8(Query.ALL.ordinal()).string8("")
                .u64(0).u64(0).toBytes();
        int watchesBefore = mesh.backbone.directory().watches();
        List<Flow.Subscription> held = new ArrayList<>();
        for (int i = 0; i < PagedReplies.PER_NODE; i++) {
            FirstItem stalled = new FirstItem();
            asker.requestStream(directoryPort(), Message.of(watchAll), Duration.ofSeconds(30), 1).subscribe(stalled);
            held.add(stalled.arrived.join());
        }
        assertThat(mesh.backbone.directory().pagedReplies()).isEqualTo(PagedReplies.PER_NODE);
        assertThat(mesh.backbone.directory().watches()).isEqualTo(watchesBefore + PagedReplies.PER_NODE);

        assertThatThrownBy(() -> DirectoryProtocol.readReply(firstItem(asker, watchAll)))
                .isInstanceOfSatisfying(DirectoryException.class, e -> {
                    assertThat(e.error()).isEqualTo(DirectoryError.TOO_MANY);
                    assertThat(e.getMessage()).contains("paged replies at once");
                });
        assertThat(mesh.backbone.directory().watches()).as("the refused watch was withdrawn")
                .isEqualTo(watchesBefore + PagedReplies.PER_NODE);
        BinaryReader small = DirectoryProtocol.readReply(firstItem(asker, lookup(Query.HOSTNAME, "popular-3")));
        assertThat(small.u32()).as("a reply of one page needs no place").isEqualTo(1);
        assertThat(SignedRecord.decode(small.bytes16()).record().hostname()).isEqualTo("popular-3");

        held.forEach(Flow.Subscription::cancel);
        await().atMost(5, TimeUnit.SECONDS).until(() -> mesh.backbone.directory().pagedReplies() == 0);
        assertThat(mesh.backbone.directory().watches()).as("the cancelled replies' watches were withdrawn")
                .isEqualTo(watchesBefore);
        assertThat(registered.find("popular").join()).as("in pages again").hasSize(MANY);
    }

    @Test
    void aCallerThatStopsGrantingCreditHasItsReplyEndedItsPlaceGivenBackAndItsWatchWithdrawn() throws Exception {
        startBackboneHolding(MANY, BackboneSettings.DEFAULTS.withPagedReplyStall(Duration.ofSeconds(1)));
        DirectoryClient registered = mesh.agent("watcher", b -> b);
        byte[] watchAll = new BinaryWriter().u8(DirectoryProtocol.OP_WATCH).u8(Query.ALL.ordinal()).string8("")
                .toBytes();
        int watchesBefore = mesh.backbone.directory().watches();
        FirstItem stalled = new FirstItem();
        // The caller's own idle limit is a minute: what ends this stream is the backbone.
        registered.node().requestStream(directoryPort(), Message.of(watchAll), Duration.ofMinutes(1), 1).subscribe(stalled);
        stalled.arrived.get(10, TimeUnit.SECONDS);
        assertThat(mesh.backbone.directory().pagedReplies()).isEqualTo(1);
        assertThat(mesh.backbone.directory().watches()).isEqualTo(watchesBefore + 1);

        // Ended at a lease sweep (every 3 s with the default lease) once a second has passed without credit.
        assertThat(stalled.failed.get(15, TimeUnit.SECONDS)).isInstanceOfSatisfying(PilotException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(e.getMessage()).contains("waited too long for credit");
        });
        await().atMost(5, TimeUnit.SECONDS).until(() -> mesh.backbone.directory().pagedReplies() == 0);
        assertThat(mesh.backbone.directory().watches()).as("the watch its caller never learnt of").isEqualTo(watchesBefore);
        assertThat(registered.find("popular").join()).as("a caller that reads on is served in pages").hasSize(MANY);
    }

    @Test
    void malformedAndRefusedStreamedRequestsAreOneErrorReplyAndHoldNothing() {
        startBackboneHolding(MANY);
        PilotNode asker = connectedNode();
        byte[] truncated = {(byte) DirectoryProtocol.OP_LOOKUP, (byte) Query.CAPABILITY.ordinal()};
        byte[] unknownQuery = new BinaryWriter().u8(DirectoryProtocol.OP_LOOKUP).u8(9).string8("x").toBytes();
        byte[] badAddress = lookup(Query.ADDRESS, "not an address");
        byte[] watchUnregistered = new BinaryWriter().u8(DirectoryProtocol.OP_WATCH_FROM).u8(Query.ALL.ordinal())
                .string8("").u64(0).u64(0).toBytes();
        for (byte[] request : List.of(truncated, unknownQuery, badAddress, watchUnregistered)) {
            assertThatThrownBy(() -> DirectoryProtocol.readReply(firstItem(asker, request)))
                    .isInstanceOfSatisfying(DirectoryException.class, e -> assertThat(e.error())
                            .isIn(DirectoryError.BAD_REQUEST, DirectoryError.NOT_REGISTERED));
        }
        assertThat(mesh.backbone.directory().pagedReplies()).isZero();
        assertThat(mesh.backbone.directory().watches()).isZero();
        // A streamed request of another operation is answered as one reply, as a plain one would be.
        byte[] heartbeat = new BinaryWriter().u8(DirectoryProtocol.OP_HEARTBEAT).toBytes();
        assertThatThrownBy(() -> DirectoryProtocol.readReply(firstItem(asker, heartbeat)))
                .isInstanceOfSatisfying(DirectoryException.class, e -> assertThat(e.error()).isEqualTo(DirectoryError.NOT_REGISTERED));
    }

    @Test
    void aBackboneThatDoesNotPageAnswersAWatchInOneItemAsBefore() throws Exception {
        // A backbone of an earlier build: its handler has no handleStream of its own, so a streamed request gets the
        // plain reply as the stream's one item.
        PilotNode stand = mesh.nodes.start();
        BackboneDirectory directory = new BackboneDirectory(stand, BackboneSettings.DEFAULTS, DirectoryStore.none());
        MessageHandler earlier = directory::handle;
        try (AutoCloseable listening = stand.listen(DirectoryProtocol.PORT, earlier)) {
            InProcessAgents.registerMany(directory, stand.address().realm(), 10, "popular", "popular");
            DirectoryClient watcher = DirectoryClient.builder(mesh.node()).hostname("watcher")
                    .backbone(stand.localEndpoint(), stand.publicKey()).build();
            try {
                watcher.start().join();
                RecordingListener listener = new RecordingListener();
                watcher.watch(Query.CAPABILITY, "popular", listener).join();
                assertThat(listener.heard()).hasSize(10).allMatch(heard -> heard.startsWith("joined popular-"));
                assertThat(watcher.find("popular").join()).hasSize(10);
            } finally {
                watcher.close();
            }
        }
    }

    /** A backbone with a 64 KiB message limit holding {@code count} records of capability "popular". */
    private void startBackboneHolding(int count) {
        startBackboneHolding(count, BackboneSettings.DEFAULTS);
    }

    private void startBackboneHolding(int count, BackboneSettings settings) {
        mesh.startBackbone(settings, DirectoryStore.none(), b -> b.maxMessageSize(LIMIT));
        InProcessAgents.registerMany(mesh.backbone.directory(), mesh.backboneNode.address().realm(), count, "popular", "popular");
        assertThat(mesh.backbone.registrations()).isEqualTo(count);
    }

    /** A node with a session to the backbone, which asks it directly, not through a directory client. */
    private PilotNode connectedNode() {
        PilotNode node = mesh.node();
        node.connect(mesh.backboneNode.publicKey(), mesh.backboneNode.localEndpoint()).join();
        return node;
    }

    private PilotSocketAddress directoryPort() {
        return new PilotSocketAddress(mesh.backboneNode.address(), DirectoryProtocol.PORT);
    }

    /** The first item of a streamed request's reply. */
    private byte[] firstItem(PilotNode from, byte[] request) {
        return FirstItem.of(from, directoryPort(), request);
    }

    private static byte[] lookup(Query query, String value) {
        return new BinaryWriter().u8(DirectoryProtocol.OP_LOOKUP).u8(query.ordinal()).string8(value).toBytes();
    }
}

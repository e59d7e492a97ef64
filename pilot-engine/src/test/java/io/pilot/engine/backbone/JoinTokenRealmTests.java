package io.pilot.engine.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PeerContact;
import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.UdpForwarder;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.message.Message;
import io.pilot.engine.session.PathSettings;
import io.pilot.engine.wire.DropReason;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A realm that needs a join token is closed to reading as well as to registering: only its members look its directory
 * up and send through its relay (docs/PROTOCOL.md §7.8, §4.14; gap 33).
 */
class JoinTokenRealmTests {

    private static final String TOKEN = "s3cret";
    private static final PathSettings FAST = new PathSettings(true, Duration.ofMillis(300), Duration.ofMillis(200));

    @RegisterExtension
    final Mesh mesh = new Mesh();

    @Test
    void onlyMembersLookTheDirectoryUpHoweverTheyAsk() {
        mesh.startBackbone(BackboneSettings.DEFAULTS.withJoinToken(TOKEN), DirectoryStore.none());
        DirectoryClient member = mesh.agent("member", b -> b.joinToken(TOKEN).capability("fx.rate"));
        PilotNode stranger = mesh.node();
        stranger.connect(mesh.backboneNode.publicKey(), mesh.backboneNode.localEndpoint()).join();

        // A lookup of one record (answered on the event loop), of all (on the handler pool), and in pages.
        for (byte[] lookup : List.of(lookup(Query.CAPABILITY, "fx.rate"), lookup(Query.ALL, ""))) {
            assertThatThrownBy(() -> DirectoryProtocol.readReply(plain(stranger, lookup)))
                    .isInstanceOfSatisfying(DirectoryException.class, e -> {
                        assertThat(e.error()).isEqualTo(DirectoryError.NOT_REGISTERED);
                        assertThat(e.getMessage()).contains("join token", "only a registered node may look up");
                    });
            assertThatThrownBy(() -> DirectoryProtocol.readReply(streamed(stranger, lookup)))
                    .isInstanceOfSatisfying(DirectoryException.class,
                            e -> assertThat(e.error()).isEqualTo(DirectoryError.NOT_REGISTERED));
        }
        assertThat(mesh.backbone.directory().refusals()).containsEntry(DirectoryError.NOT_REGISTERED, 4L);

        assertThat(member.find("fx.rate").join()).extracting(NodeRecord::hostname).containsExactly("member");
    }

    @Test
    void withoutAJoinTokenAnyNodeWithASessionLooksUp() {
        mesh.startBackbone(BackboneSettings.DEFAULTS, DirectoryStore.none());
        mesh.agent("member", b -> b.capability("fx.rate"));
        PilotNode stranger = mesh.node();
        stranger.connect(mesh.backboneNode.publicKey(), mesh.backboneNode.localEndpoint()).join();

        assertThat(DirectoryProtocol.readReply(plain(stranger, lookup(Query.CAPABILITY, "fx.rate"))).u32()).isEqualTo(1);
    }

    @Test
    void aLookupMadeBeforeTheNodesOwnRegistrationIsAskedAgainOnceItIsRegistered() throws Exception {
        mesh.startBackbone(BackboneSettings.DEFAULTS.withJoinToken(TOKEN), DirectoryStore.none());
        mesh.agent("member", b -> b.joinToken(TOKEN).capability("fx.rate"));
        DirectoryClient early = mesh.client(mesh.node(), "early", b -> b.joinToken(TOKEN).requestTimeout(Duration.ofSeconds(10)));

        CompletableFuture<List<NodeRecord>> found = early.find("fx.rate");
        await().atMost(5, TimeUnit.SECONDS).alias("the first ask was refused")
                .until(() -> mesh.backbone.directory().refusals().getOrDefault(DirectoryError.NOT_REGISTERED, 0L) == 1L);
        assertThat(found).isNotDone();
        early.start().join();

        assertThat(found.get(10, TimeUnit.SECONDS)).extracting(NodeRecord::hostname).containsExactly("member");
    }

    @Test
    void theRelayCarriesOnlyMembersDatagramsOnceALeaseHasPassedSinceItStartedEmpty() throws Exception {
        Duration lease = Duration.ofMillis(600);
        long started = System.nanoTime();
        mesh.startBackbone(BackboneSettings.DEFAULTS.withJoinToken(TOKEN).withLeaseTtl(lease), DirectoryStore.none());
        // For a lease after it started empty the relay serves every session: members of the realm before a restart
        // register again only at their next heartbeat. Then only members.
        await().atMost(5, TimeUnit.SECONDS).until(() -> System.nanoTime() - started > lease.toNanos());
        DirectoryClient target = mesh.agent(mesh.nodes.start(b -> b.pathSettings(FAST)), "target", b -> b.joinToken(TOKEN));
        DirectoryClient member = mesh.agent(mesh.nodes.start(b -> b.pathSettings(FAST)), "member", b -> b.joinToken(TOKEN));
        PilotNode stranger = mesh.nodes.start(b -> b.pathSettings(FAST));
        stranger.connect(mesh.backboneNode.publicKey(), mesh.backboneNode.localEndpoint()).join();
        stranger.useRelay(mesh.backboneNode.localEndpoint(), mesh.backboneNode.address());

        try (UdpForwarder blocked = new UdpForwarder(target.node().localEndpoint(), datagram -> null)) {
            PeerContact unreachable = new PeerContact(target.node().publicKey(), List.of(blocked.address()));
            member.node().connect(unreachable).get(10, TimeUnit.SECONDS);
            assertThat(member.node().peer(target.node().address()).orElseThrow().relayed()).as("a member, relayed").isTrue();
            long refusedBefore = notAllowedAtTheRelay();

            CompletableFuture<?> strangerConnects = stranger.connect(unreachable);
            await().atMost(10, TimeUnit.SECONDS).alias("the stranger's relayed INITs refused")
                    .until(() -> notAllowedAtTheRelay() > refusedBefore);
            assertThat(strangerConnects).isNotDone();
            strangerConnects.cancel(true);
        }
    }

    @Test
    void aBackboneThatStartsEmptyRelaysForEverySessionForOneLeaseAndOneThatKeptItsMembersOnlyForThem() {
        PilotNode stand = mesh.node();
        BackboneDirectory empty = new BackboneDirectory(stand, BackboneSettings.DEFAULTS, DirectoryStore.none());
        PilotAddress stranger = TestNodes.newIdentity().publicKey().address(stand.address().realm());
        assertThat(Backbone.membersOnly(empty, Duration.ofHours(1)).test(stranger)).as("within the lease").isTrue();
        assertThat(Backbone.membersOnly(empty, Duration.ZERO).test(stranger)).as("after it").isFalse();

        Identity member = TestNodes.newIdentity();
        int realm = stand.address().realm();
        InProcessAgents.registered(empty, InProcessAgents.register(member, realm, "member", null));
        Predicate<PilotAddress> kept = Backbone.membersOnly(empty, Duration.ofHours(1));
        assertThat(kept.test(stranger)).as("a directory that holds members from the start: no grace").isFalse();
        assertThat(kept.test(member.publicKey().address(realm))).isTrue();
    }

    private long notAllowedAtTheRelay() {
        return mesh.backboneNode.stats().drops().getOrDefault(DropReason.NOT_ALLOWED, 0L);
    }

    private byte[] plain(PilotNode from, byte[] request) {
        return from.request(directoryPort(), Message.of(request), Duration.ofSeconds(5)).join().body();
    }

    /** The one item of a streamed request's reply. */
    private byte[] streamed(PilotNode from, byte[] request) {
        return FirstItem.of(from, directoryPort(), request);
    }

    private PilotSocketAddress directoryPort() {
        return new PilotSocketAddress(mesh.backboneNode.address(), DirectoryProtocol.PORT);
    }

    private static byte[] lookup(Query query, String value) {
        return new BinaryWriter().u8(DirectoryProtocol.OP_LOOKUP).u8(query.ordinal()).string8(value).toBytes();
    }
}

package io.pilot.engine.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.ForwardPacket;
import io.pilot.engine.wire.RelayPacket;
import io.pilot.engine.wire.WireCodec;
import io.pilot.engine.wire.WireFormat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

class RelayForwarderTests {

    private static final InetSocketAddress ALICE_AT = new InetSocketAddress("10.0.0.2", 4000);
    private static final InetSocketAddress BOB_AT = new InetSocketAddress("10.0.0.3", 4000);
    private static final PilotAddress ALICE = new PilotAddress(1, 2);
    private static final PilotAddress BOB = new PilotAddress(1, 3);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Paths paths = new Paths(channel, SessionSettings.DEFAULTS, new SecureRandom());
    private final PeerTable peers = new PeerTable();
    private final DropCounters drops = new DropCounters();
    private static final Identity REALM_BACKBONE = Identity.generate(new SecureRandom());
    private static final InetSocketAddress OTHER_BACKBONE = new InetSocketAddress("10.0.1.1", 7400);
    private static final PilotAddress CAROL = new PilotAddress(1, 4);

    private final RelayForwarder forwarder = new RelayForwarder(channel, false, paths, peers, SessionSettings.DEFAULTS, drops,
            () -> new ForwardingSeal(REALM_BACKBONE, 1));

    @BeforeEach
    void twoNodesHoldSessionsWithTheRelay() {
        for (Peer peer : new Peer[] {TestPeers.established(ALICE, null, 10), TestPeers.established(BOB, null, 20)}) {
            peers.add(peer);
            paths.setEndpoint(peer, peer.address().equals(ALICE) ? ALICE_AT : BOB_AT);
        }
    }

    @AfterEach
    void releaseWhatWasSent() {
        channel.finishAndReleaseAll();
    }

    /** A datagram as Alice (or whoever) sends it to the relay, addressed to {@code target}. */
    private static RelayPacket towards(PilotAddress target, int bytes) {
        ByteBuf inner = Unpooled.buffer().writeZero(bytes);
        ByteBuf datagram = RelayPacket.wrap(ByteBufAllocator.DEFAULT, WireFormat.TYPE_RELAY, target, inner);
        RelayPacket packet = (RelayPacket) WireCodec.decode(datagram).packet();
        datagram.release();
        return packet;
    }

    /** A RELAY wrapping a DATA datagram of {@code bytes} (only DATA may exceed the base size through a relay). */
    private static RelayPacket towardsData(PilotAddress target, int bytes) {
        ByteBuf inner = Unpooled.buffer().writeByte(WireFormat.TYPE_DATA).writeZero(bytes - 1);
        ByteBuf datagram = RelayPacket.wrap(ByteBufAllocator.DEFAULT, WireFormat.TYPE_RELAY, target, inner);
        RelayPacket packet = (RelayPacket) WireCodec.decode(datagram).packet();
        datagram.release();
        return packet;
    }

    private void forward(RelayPacket packet, InetSocketAddress sender, long now) {
        try {
            forwarder.forward(packet, sender, now);
        } finally {
            packet.release();
        }
    }

    @Test
    void passesADatagramOnLabelledWithItsSender() {
        forwarder.serve(true);

        forward(towards(BOB, 100), ALICE_AT, 0);
        assertThat((Object) channel.readOutbound()).as("written, flushed when the read batch ends").isNull();
        forwarder.flush();

        DatagramPacket out = channel.readOutbound();
        assertThat(out.recipient()).isEqualTo(BOB_AT);
        RelayPacket relayed = (RelayPacket) WireCodec.decode(out.content()).packet();
        assertThat(relayed.towardsRelay()).isFalse();
        assertThat(relayed.address()).isEqualTo(ALICE);
        assertThat(relayed.inner().readableBytes()).isEqualTo(100);
        relayed.release();
        out.release();
        assertThat(forwarder.relayedBytes()).isEqualTo(100);
    }

    @Test
    void passesOnTheBytesItReadWithTheHeaderRewrittenInPlaceCopyingNone() {
        RelayForwarder batching = new RelayForwarder(channel, true, paths, peers, SessionSettings.DEFAULTS, drops,
                () -> new ForwardingSeal(REALM_BACKBONE, 1));
        batching.serve(true);
        ByteBuf read = RelayPacket.wrap(ByteBufAllocator.DEFAULT, WireFormat.TYPE_RELAY, BOB,
                Unpooled.buffer().writeByte(WireFormat.TYPE_DATA).writeZero(WireFormat.MAX_DATAGRAM - 1));
        List<ByteBuf> reads = new ArrayList<>();
        for (int i = 0; i < 2; i++) { // a run of two full datagrams: one segmented write
            ByteBuf copy = read.copy();
            reads.add(copy);
            RelayPacket packet = (RelayPacket) WireCodec.decode(copy).packet();
            batching.forward(packet, ALICE_AT, 0);
            packet.release();
        }
        read.release();
        batching.flush();

        SegmentedDatagramPacket run = channel.readOutbound();
        // The datagrams as read now carry the RELAYED header naming Alice, and what leaves is those very bytes:
        // a change to them after the fact shows in what is written.
        for (ByteBuf datagram : reads) {
            assertThat((int) datagram.getUnsignedByte(0)).isEqualTo(WireFormat.TYPE_RELAYED);
            datagram.setByte(datagram.readableBytes() - 1, 0x5a);
        }
        ByteBuf content = run.content();
        for (int i = 0; i < 2; i++) {
            ByteBuf segment = content.readSlice(run.segmentSize());
            RelayPacket relayed = (RelayPacket) WireCodec.decode(segment).packet();
            assertThat(relayed.towardsRelay()).isFalse();
            assertThat(relayed.address()).isEqualTo(ALICE);
            assertThat(segment.getByte(segment.capacity() - 1)).as("not a copy").isEqualTo((byte) 0x5a);
            relayed.release();
        }
        run.release();
        reads.forEach(ByteBuf::release);
    }

    @Test
    void refusesWhenNotServingOrTheSenderHasNoSession() {
        forward(towards(BOB, 100), ALICE_AT, 0);
        assertThat(drops.get(DropReason.NOT_ALLOWED)).as("not a relay").isOne();

        forwarder.serve(true);
        forward(towards(BOB, 100), new InetSocketAddress("10.0.0.9", 4000), 0);
        assertThat(drops.get(DropReason.NOT_ALLOWED)).as("a stranger").isEqualTo(2);

        forward(towards(new PilotAddress(1, 9), 100), ALICE_AT, 0);
        assertThat(drops.get(DropReason.UNKNOWN_SESSION)).as("to a stranger").isOne();

        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(forwarder.relayedBytes()).isZero();
    }

    @Test
    void oneSenderCannotExceedItsDatagramBudgetWithDatagramsOfAFewBytes() {
        RelayForwarder small = serving(RelayForwarder.RELAY_BYTES_PER_SECOND, 10,
                RelayForwarder.RELAY_DATAGRAMS_PER_TARGET_PER_SECOND);
        for (int i = 0; i < 25; i++) {
            RelayPacket packet = towards(BOB, 4);
            small.forward(packet, ALICE_AT, 0);
            packet.release();
        }

        assertThat(drops.get(DropReason.RATE_LIMITED)).as("the burst is twice the rate per second").isEqualTo(5);
        assertThat(small.relayedBytes()).isEqualTo(20 * 4);
        RelayPacket later = towards(BOB, 4);
        small.forward(later, ALICE_AT, 1_000_000_000L);
        later.release();
        assertThat(small.relayedBytes()).as("a second later the budget refilled").isEqualTo(21 * 4);
        releaseSent(small);
    }

    @Test
    void manySendersEachWithinTheirBudgetsCannotAimMoreThanItsShareAtOneNode() {
        RelayForwarder small = serving(RelayForwarder.RELAY_BYTES_PER_SECOND, 10, 15);
        Peer carol = TestPeers.established(CAROL, null, 30);
        peers.add(carol);
        InetSocketAddress carolAt = new InetSocketAddress("10.0.0.4", 4000);
        paths.setEndpoint(carol, carolAt);
        for (InetSocketAddress sender : List.of(ALICE_AT, carolAt)) {
            for (int i = 0; i < 20; i++) { // each sender's own burst: twice 10
                RelayPacket packet = towards(BOB, 4);
                small.forward(packet, sender, 0);
                packet.release();
            }
        }

        assertThat(small.relayedBytes()).as("Bob's burst, twice 15, from both together").isEqualTo(30 * 4);
        assertThat(drops.get(DropReason.RATE_LIMITED)).isEqualTo(10);
        releaseSent(small);
    }

    @Test
    void oneSenderCannotExceedItsByteBudget() {
        RelayForwarder small = serving(1000, RelayForwarder.RELAY_DATAGRAMS_PER_SECOND,
                RelayForwarder.RELAY_DATAGRAMS_PER_TARGET_PER_SECOND);
        for (int i = 0; i < 2; i++) {
            RelayPacket packet = towards(BOB, 1000);
            small.forward(packet, ALICE_AT, 0);
            packet.release();
        }
        RelayPacket over = towards(BOB, 100);
        small.forward(over, ALICE_AT, 0);
        over.release();

        assertThat(drops.get(DropReason.RATE_LIMITED)).as("the burst is twice the rate per second").isOne();
        assertThat(small.relayedBytes()).isEqualTo(2000);
        RelayPacket later = towards(BOB, 1000);
        small.forward(later, ALICE_AT, 1_000_000_000L);
        later.release();
        assertThat(small.relayedBytes()).as("a second later the budget refilled").isEqualTo(3000);
        releaseSent(small);
    }

    @Test
    void withSegmentationOffloadARunOfFullDatagramsFromOneSenderToOneNodeLeavesAsOneSegmentedWrite() {
        RelayForwarder batching = new RelayForwarder(channel, true, paths, peers, SessionSettings.DEFAULTS, drops,
                () -> new ForwardingSeal(REALM_BACKBONE, 1));
        batching.serve(true);
        for (int i = 0; i < 3; i++) {
            RelayPacket packet = towards(BOB, WireFormat.MAX_DATAGRAM);
            batching.forward(packet, ALICE_AT, 0);
            packet.release();
        }
        assertThat((Object) channel.readOutbound()).as("held until the read batch ends").isNull();
        RelayPacket shortOne = towards(BOB, 300);
        batching.forward(shortOne, ALICE_AT, 0);
        shortOne.release();

        SegmentedDatagramPacket run = channel.readOutbound();
        assertThat(run.recipient()).isEqualTo(BOB_AT);
        assertThat(run.segmentSize()).isEqualTo(WireFormat.MAX_RELAY_DATAGRAM);
        ByteBuf content = run.content();
        assertThat(content.readableBytes()).isEqualTo(3 * WireFormat.MAX_RELAY_DATAGRAM + WireFormat.RELAY_HEADER_LENGTH + 300);
        for (int i = 0; i < 4; i++) {
            ByteBuf segment = content.readSlice(Math.min(run.segmentSize(), content.readableBytes()));
            RelayPacket relayed = (RelayPacket) WireCodec.decode(segment).packet();
            assertThat(relayed.towardsRelay()).isFalse();
            assertThat(relayed.address()).isEqualTo(ALICE);
            assertThat(relayed.inner().readableBytes()).isEqualTo(i < 3 ? WireFormat.MAX_DATAGRAM : 300);
            relayed.release();
        }
        run.release();
        assertThat(batching.relayedBytes()).isEqualTo(3L * WireFormat.MAX_DATAGRAM + 300);
    }

    @Test
    void aBatchLeavesWhenTheReadEndsOrAnotherSenderOrTargetComesBetween() {
        RelayForwarder batching = new RelayForwarder(channel, true, paths, peers, SessionSettings.DEFAULTS, drops,
                () -> new ForwardingSeal(REALM_BACKBONE, 1));
        batching.serve(true);
        RelayPacket first = towards(BOB, WireFormat.MAX_DATAGRAM);
        batching.forward(first, ALICE_AT, 0);
        first.release();
        RelayPacket back = towards(ALICE, WireFormat.MAX_DATAGRAM);
        batching.forward(back, BOB_AT, 0);
        back.release();

        assertThat((Object) channel.readOutbound()).as("written, flushed when the read batch ends").isNull();

        batching.flush();
        DatagramPacket toBob = channel.readOutbound();
        assertThat(toBob).as("a run of one").isNotInstanceOf(SegmentedDatagramPacket.class);
        assertThat(toBob.recipient()).isEqualTo(BOB_AT);
        assertThat(toBob.content().readableBytes()).isEqualTo(WireFormat.MAX_RELAY_DATAGRAM);
        toBob.release();
        DatagramPacket toAlice = channel.readOutbound();
        assertThat(toAlice.recipient()).isEqualTo(ALICE_AT);
        RelayPacket relayed = (RelayPacket) WireCodec.decode(toAlice.content()).packet();
        assertThat(relayed.address()).isEqualTo(BOB);
        relayed.release();
        toAlice.release();
        batching.flush();
        assertThat((Object) channel.readOutbound()).as("nothing left to flush").isNull();
    }

    /** A relay serving with these budgets: per sender bytes and datagrams a second, per target datagrams a second. */
    private RelayForwarder serving(int bytesPerSecond, int datagramsPerSecond, int datagramsPerTargetPerSecond) {
        RelayForwarder relay = new RelayForwarder(channel, false, paths, peers, SessionSettings.DEFAULTS, drops,
                () -> new ForwardingSeal(REALM_BACKBONE, 1), bytesPerSecond, datagramsPerSecond, datagramsPerTargetPerSecond);
        relay.serve(true);
        return relay;
    }

    /** Flushes what {@code relay} gathered and releases everything it wrote. */
    private void releaseSent(RelayForwarder relay) {
        relay.flush();
        for (DatagramPacket out; (out = channel.readOutbound()) != null; ) {
            out.release();
        }
    }

    /** What the relay wrote next, decoded; the datagram is released. */
    private <T> T sent(Class<T> type, InetSocketAddress to) {
        DatagramPacket out = channel.readOutbound();
        assertThat(out.recipient()).isEqualTo(to);
        T packet = type.cast(WireCodec.decode(out.content()).packet());
        out.release();
        return packet;
    }

    @Test
    void aDatagramForANodeAttachedToAnotherBackbonePassesThereTaggedAndComesOutAsRelayedFromTheSender() {
        forwarder.serve(true);
        // Bob holds a session here from before he moved: the directory says where he is attached now.
        forwarder.routes(node -> node.equals(BOB) || node.equals(CAROL) ? OTHER_BACKBONE : null);

        forward(towards(CAROL, 100), ALICE_AT, 0);
        forward(towards(BOB, 50), ALICE_AT, 0);

        ForwardPacket toCarol = sent(ForwardPacket.class, OTHER_BACKBONE);
        assertThat(toCarol.source()).isEqualTo(ALICE);
        assertThat(toCarol.target()).isEqualTo(CAROL);
        assertThat(toCarol.inner().readableBytes()).isEqualTo(100);
        ForwardPacket toBob = sent(ForwardPacket.class, OTHER_BACKBONE);
        assertThat(toBob.target()).isEqualTo(BOB);
        assertThat(forwarder.forwardedBytes()).isEqualTo(150);

        // At the other backbone (same identity, so the same key) Carol's arrives as RELAYED from Alice.
        RelayForwarder other = new RelayForwarder(channel, false, paths, peers, SessionSettings.DEFAULTS, drops,
                () -> new ForwardingSeal(REALM_BACKBONE, 1));
        other.serve(true);
        other.routes(node -> OTHER_BACKBONE); // whatever it says, a FORWARD is only delivered, never passed on
        Peer carol = TestPeers.established(CAROL, null, 30);
        peers.add(carol);
        paths.setEndpoint(carol, new InetSocketAddress("10.0.0.4", 4000));
        other.deliverForwarded(toCarol, 0);
        other.flush();
        toCarol.release();
        RelayPacket relayed = sent(RelayPacket.class, new InetSocketAddress("10.0.0.4", 4000));
        assertThat(relayed.towardsRelay()).isFalse();
        assertThat(relayed.address()).isEqualTo(ALICE);
        assertThat(relayed.inner().readableBytes()).isEqualTo(100);
        relayed.release();
        toBob.release();
        assertThat(other.forwardedBytes()).isZero();
    }

    @Test
    void onlyAdmittedSendersAreRelayedFromHereOrFromAnotherBackbone() {
        forwarder.serve(true);
        forwarder.admit(sender -> !sender.equals(ALICE));
        RelayPacket fromAlice = towards(BOB, 100);
        forwarder.forward(fromAlice, ALICE_AT, 0);
        fromAlice.release();
        assertThat(drops.get(DropReason.NOT_ALLOWED)).as("a RELAY from a sender not admitted").isOne();
        assertThat((Object) channel.readOutbound()).isNull();

        // Alice's datagram for Bob, forwarded by another backbone of the realm that admitted her.
        RelayForwarder elsewhere = new RelayForwarder(channel, false, paths, peers, SessionSettings.DEFAULTS, drops,
                () -> new ForwardingSeal(REALM_BACKBONE, 1));
        elsewhere.serve(true);
        elsewhere.routes(node -> OTHER_BACKBONE);
        RelayPacket again = towards(BOB, 100);
        elsewhere.forward(again, ALICE_AT, 0);
        again.release();
        ForwardPacket forwarded = sent(ForwardPacket.class, OTHER_BACKBONE);
        forwarder.deliverForwarded(forwarded, 0);
        forwarded.release();
        assertThat(drops.get(DropReason.NOT_ALLOWED)).as("here it is not admitted, whoever forwarded it").isEqualTo(2);
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(forwarder.relayedBytes()).isZero();
    }

    @Test
    void aForwardTaggedWithAnotherKeyOrAlteredOrForANodeNotHereIsDroppedAndCounted() {
        forwarder.serve(true);
        forwarder.routes(node -> OTHER_BACKBONE);
        for (int i = 0; i < 3; i++) {
            forward(towards(BOB, 100), ALICE_AT, 0);
        }
        ForwardPacket genuine = sent(ForwardPacket.class, OTHER_BACKBONE);
        ForwardPacket altered = sent(ForwardPacket.class, OTHER_BACKBONE);
        altered.inner().setByte(altered.inner().readerIndex() + 7, 1);
        ForwardPacket toNobody = sent(ForwardPacket.class, OTHER_BACKBONE);

        RelayForwarder otherRealm = new RelayForwarder(channel, false, paths, peers, SessionSettings.DEFAULTS, drops,
                () -> new ForwardingSeal(Identity.generate(new SecureRandom()), 1));
        otherRealm.serve(true);
        otherRealm.deliverForwarded(genuine, 0);
        assertThat(drops.get(DropReason.BAD_TAG)).as("another identity's key").isOne();

        RelayForwarder sameRealm = new RelayForwarder(channel, false, paths, peers, SessionSettings.DEFAULTS, drops,
                () -> new ForwardingSeal(REALM_BACKBONE, 1));
        sameRealm.deliverForwarded(genuine, 0);
        assertThat(drops.get(DropReason.NOT_ALLOWED)).as("not serving as a relay").isOne();
        sameRealm.serve(true);
        sameRealm.deliverForwarded(altered, 0);
        assertThat(drops.get(DropReason.BAD_TAG)).as("altered on the way").isEqualTo(2);
        peers.remove(peers.get(BOB));
        sameRealm.deliverForwarded(toNobody, 0);
        assertThat(drops.get(DropReason.UNKNOWN_SESSION)).as("for a node without a session here").isOne();

        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(sameRealm.relayedBytes() + otherRealm.relayedBytes()).isZero();
        genuine.release();
        altered.release();
        toNobody.release();
    }

    @Test
    void aRunOfLargeDatagramsLeavesAsOneSegmentedWriteOfTheirSizeAndALongerOneEndsIt() {
        RelayForwarder batching = new RelayForwarder(channel, true, paths, peers, SessionSettings.DEFAULTS, drops,
                () -> new ForwardingSeal(REALM_BACKBONE, 1));
        batching.serve(true);
        batching.carries(endpoint -> WireFormat.MAX_LARGE_RELAY_DATAGRAM);
        for (int i = 0; i < 3; i++) {
            pass(batching, towardsData(BOB, 8000), ALICE_AT);
        }
        pass(batching, towardsData(BOB, 12_000), ALICE_AT); // a path MTU probe: longer than the run
        batching.flush();

        SegmentedDatagramPacket run = channel.readOutbound();
        assertThat(run.recipient()).isEqualTo(BOB_AT);
        assertThat(run.segmentSize()).isEqualTo(WireFormat.RELAY_HEADER_LENGTH + 8000);
        assertThat(run.content().readableBytes()).isEqualTo(3 * (WireFormat.RELAY_HEADER_LENGTH + 8000));
        run.release();
        DatagramPacket alone = channel.readOutbound();
        assertThat(alone).isNotInstanceOf(SegmentedDatagramPacket.class);
        RelayPacket relayed = (RelayPacket) WireCodec.decode(alone.content()).packet();
        assertThat(relayed.towardsRelay()).isFalse();
        assertThat(relayed.address()).isEqualTo(ALICE);
        assertThat(relayed.inner().readableBytes()).as("passed on whole").isEqualTo(12_000);
        relayed.release();
        alone.release();
        assertThat(drops.get(DropReason.OVERSIZED)).isZero();
    }

    @Test
    void aDatagramLongerThanTheHopOnCarriesIsDroppedNotCut() {
        RelayForwarder batching = new RelayForwarder(channel, true, paths, peers, SessionSettings.DEFAULTS, drops,
                () -> new ForwardingSeal(REALM_BACKBONE, 1));
        batching.serve(true);
        batching.carries(endpoint -> endpoint.equals(BOB_AT) ? 4000 : WireFormat.MAX_RELAY_DATAGRAM);

        pass(batching, towardsData(BOB, 4000 - WireFormat.RELAY_HEADER_LENGTH + 1), ALICE_AT);
        pass(batching, towardsData(ALICE, 2000), BOB_AT);
        batching.flush();
        assertThat((Object) channel.readOutbound()).as("nothing passed on").isNull();
        assertThat(drops.get(DropReason.OVERSIZED)).isEqualTo(2);
        assertThat(batching.relayedBytes()).as("nothing charged or counted").isZero();

        pass(batching, towardsData(BOB, 4000 - WireFormat.RELAY_HEADER_LENGTH), ALICE_AT);
        batching.flush();
        DatagramPacket fits = channel.readOutbound();
        assertThat(fits.content().readableBytes()).isEqualTo(4000);
        fits.release();
    }

    @Test
    void aDatagramAboveTheBaseSizeDoesNotCrossToAnotherBackbone() {
        forwarder.serve(true);
        forwarder.carries(endpoint -> WireFormat.MAX_LARGE_RELAY_DATAGRAM);
        forwarder.routes(node -> OTHER_BACKBONE);

        pass(forwarder, towardsData(BOB, WireFormat.MAX_DATAGRAM + 1), ALICE_AT);
        forwarder.flush();

        assertThat((Object) channel.readOutbound()).as("a FORWARD carries the base size only").isNull();
        assertThat(drops.get(DropReason.OVERSIZED)).isOne();
        forward(towardsData(BOB, WireFormat.MAX_DATAGRAM), ALICE_AT, 0);
        ForwardPacket base = sent(ForwardPacket.class, OTHER_BACKBONE);
        assertThat(base.inner().readableBytes()).isEqualTo(WireFormat.MAX_DATAGRAM);
        base.release();
    }

    /** Has {@code relay} forward {@code packet} from {@code sender}, then releases it: the relay retains what it keeps. */
    private static void pass(RelayForwarder relay, RelayPacket packet, InetSocketAddress sender) {
        try {
            relay.forward(packet, sender, 0);
        } finally {
            packet.release();
        }
    }
}

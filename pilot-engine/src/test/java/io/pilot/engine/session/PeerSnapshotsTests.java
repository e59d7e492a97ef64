package io.pilot.engine.session;

import io.netty.channel.embedded.EmbeddedChannel;
import io.pilot.engine.address.PilotAddress;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

class PeerSnapshotsTests {

    private static final InetSocketAddress HOME = new InetSocketAddress("10.0.0.2", 4000);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Paths paths = new Paths(channel, SessionSettings.DEFAULTS, new SecureRandom());
    private final PeerTable table = new PeerTable();
    private final Peer peer = new Peer(new PilotAddress(1, 2), null, HOME);

    @AfterEach
    void releaseWhatWasSent() {
        channel.finishAndReleaseAll();
    }

    @Test
    void aFiledPeerIsReadableUntilItIsForgotten() {
        assertThat(table.snapshots().of(peer.address())).isNull();

        table.add(peer);

        assertThat(table.snapshots().of(peer.address())).isEqualTo(new PeerSnapshot(false, false, 0));
        assertThat(table.snapshots().of(peer.address()).smoothedRtt()).as("no connection, no sample").isNull();
        table.remove(peer);
        assertThat(table.snapshots().of(peer.address())).isNull();
    }

    @Test
    void aPathSwitchIsVisibleAtOnceWithoutAFlush() {
        table.add(peer);

        paths.takeRoute(peer, Route.relayed(peer.address()), null, 0);
        assertThat(table.snapshots().of(peer.address()).relayed()).isTrue();

        paths.takeRoute(peer, Route.direct(HOME), null, 1);
        assertThat(table.snapshots().of(peer.address()).relayed()).isFalse();
    }

    @Test
    void anUnchangedPeerKeepsItsSnapshotAndAChangedOneGetsANewOne() {
        table.add(peer);
        PeerSnapshot first = peer.snapshot();

        peer.publish();
        assertThat(peer.snapshot()).as("nothing changed: nothing allocated").isSameAs(first);

        peer.relayed = true;
        assertThat(peer.snapshot()).as("published by the loop, not by the field write").isSameAs(first);
        peer.publish();
        assertThat(peer.snapshot()).isEqualTo(new PeerSnapshot(false, true, 0));
    }

    @Test
    void aPeerReplacedUnderTheSameAddressIsNotForgottenByTheOldOne() {
        table.add(peer);
        Peer successor = new Peer(peer.address(), null, HOME);
        successor.relayed = true;
        table.add(successor);

        table.remove(peer);

        assertThat(table.snapshots().of(peer.address())).isEqualTo(new PeerSnapshot(false, true, 0));
    }
}

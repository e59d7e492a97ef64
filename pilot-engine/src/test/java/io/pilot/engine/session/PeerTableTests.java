package io.pilot.engine.session;

import io.pilot.engine.address.PilotAddress;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

class PeerTableTests {

    @Test
    void peersAreFoundByAddressInTheOrderTheyBecameKnown() {
        PeerTable table = new PeerTable();
        Peer b = new Peer(new PilotAddress(1, 2), null, null);
        Peer a = new Peer(new PilotAddress(1, 1), null, null);
        table.add(b);
        table.add(a);

        assertThat(table.get(new PilotAddress(1, 1))).isSameAs(a);
        assertThat(table.all()).containsExactly(b, a);
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void provisionalPeersAreKeptApartUntilIdentified() {
        PeerTable table = new PeerTable();
        Peer unknown = new Peer(null, null, new InetSocketAddress("127.0.0.1", 9));
        table.addProvisional(unknown);

        assertThat(table.all()).isEmpty();
        assertThat(table.provisional()).containsExactly(unknown);

        table.removeProvisional(unknown);
        assertThat(table.provisional()).isEmpty();
    }
}

package io.pilot.engine.directory;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.identity.Identity;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PunchRequestsTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    private final Identity identity = Records.identity();

    private NodeRecord requester(List<Endpoint> endpoints) {
        return new NodeRecord(0, identity.publicKey(), "asker", List.of(), new TreeSet<>(), endpoints, 1,
                System.currentTimeMillis() + 60_000);
    }

    private static InetSocketAddress at(int last) {
        return new InetSocketAddress("127.0.0." + last, 7000);
    }

    @Test
    void thePunchGoesToTheObservedEndpointAloneNeverToTheRecordsOwnEndpoints() {
        PilotNode node = nodes.start();
        PunchRequests punches = new PunchRequests(node, null, () -> true);
        NodeRecord requester = requester(List.of(new Endpoint(Endpoint.Kind.LOCAL, at(1)),
                new Endpoint(Endpoint.Kind.REFLEXIVE, at(3))));

        punches.punchBack(requester, at(9));

        PeerInfo peer = node.peer(requester.address()).orElseThrow();
        assertThat(peer.endpoint()).isEqualTo(at(9));
        assertThat(peer.key()).isEqualTo(identity.publicKey());
    }

    @Test
    void withoutAnObservedEndpointThereIsNothingToPunch() {
        PilotNode node = nodes.start();
        PunchRequests punches = new PunchRequests(node, null, () -> true);
        NodeRecord requester = requester(List.of(new Endpoint(Endpoint.Kind.LOCAL, at(1))));

        punches.punchBack(requester, null);

        assertThat(node.peer(requester.address())).isEmpty();
    }
}

package io.pilot.engine.directory;

import io.pilot.engine.identity.Identity;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PunchRequestsTests {

    private final Identity identity = Records.identity();

    private NodeRecord requester(List<Endpoint> endpoints) {
        return new NodeRecord(0, identity.publicKey(), "asker", List.of(), new TreeSet<>(), endpoints, 1,
                System.currentTimeMillis() + 60_000);
    }

    private static InetSocketAddress at(int last) {
        return new InetSocketAddress("10.0.0." + last, 7000);
    }

    @Test
    void theObservedEndpointComesFirstThenDirectOnesNeverTheRelay() {
        NodeRecord requester = requester(List.of(new Endpoint(Endpoint.Kind.LOCAL, at(1)),
                new Endpoint(Endpoint.Kind.RELAY, at(2)), new Endpoint(Endpoint.Kind.REFLEXIVE, at(3))));

        assertThat(PunchRequests.targets(requester, at(3))).containsExactly(at(3), at(1));
        assertThat(PunchRequests.targets(requester, null)).containsExactly(at(1), at(3));
    }

    @Test
    void oneRequestAimsAtABoundedNumberOfPlaces() {
        List<Endpoint> many = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            many.add(new Endpoint(Endpoint.Kind.LOCAL, at(i)));
        }

        assertThat(PunchRequests.targets(requester(many), at(99))).hasSize(PunchRequests.MAX_PUNCH_TARGETS)
                .startsWith(at(99));
    }

    @Test
    void aRequesterWithOnlyARelayGivesNothingToAimAt() {
        assertThat(PunchRequests.targets(requester(List.of(new Endpoint(Endpoint.Kind.RELAY, at(2)))), null)).isEmpty();
    }
}

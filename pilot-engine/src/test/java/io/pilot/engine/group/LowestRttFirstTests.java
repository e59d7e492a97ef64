package io.pilot.engine.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.TestNodes;
import io.pilot.engine.directory.Endpoint;
import io.pilot.engine.directory.NodeRecord;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The default selection policy, on made-up candidates: no network needed to see how it ranks. */
class LowestRttFirstTests {

    private final SelectionPolicy policy = SelectionPolicy.lowestRtt();

    @Test
    void theLowestRttComesFirstAndUnknownRttsLastButStillListed() {
        Candidate far = candidate("far", Duration.ofMillis(80), 0);
        Candidate unknown = candidate("new", null, 0);
        Candidate near = candidate("near", Duration.ofMillis(3), 5);
        // near is the busiest, but RTT comes first.
        assertThat(hostnames(policy.order(List.of(far, unknown, near)))).containsExactly("near", "far", "new");
    }

    @Test
    void rttsWithinOneStepAreEqualAndTheLessBusyWins() {
        Candidate busy = candidate("busy", Duration.ofMillis(3), 4);
        Candidate idle = candidate("idle", Duration.ofMillis(14), 1);
        assertThat(hostnames(policy.order(List.of(busy, idle)))).containsExactly("idle", "busy");
        // A finer step tells 3 ms from 14 ms.
        assertThat(hostnames(SelectionPolicy.lowestRtt(Duration.ofMillis(1)).order(List.of(busy, idle))))
                .containsExactly("busy", "idle");
    }

    @Test
    void fullTiesTakeTurnsWhateverOrderTheyArriveIn() {
        List<Candidate> tied = List.of(candidate("a", Duration.ofMillis(2), 0), candidate("b", Duration.ofMillis(7), 0),
                candidate("c", null, 0), candidate("d", null, 0));
        List<Candidate> reversed = List.of(tied.get(3), tied.get(2), tied.get(1), tied.get(0));
        List<String> firsts = IntStream.range(0, 4)
                .mapToObj(i -> policy.order(i % 2 == 0 ? tied : reversed).get(0).member().hostname()).toList();
        // a and b alternate; c and d, unmeasured, are never first while a measured one is there...
        assertThat(firsts).containsOnly("a", "b").contains("a", "b");
        // ...but stay in the order, for failover.
        assertThat(hostnames(policy.order(tied)).subList(2, 4)).containsExactlyInAnyOrder("c", "d");
    }

    @Test
    void noCandidatesNoOrder() {
        assertThat(policy.order(List.of())).isEmpty();
    }

    private static List<String> hostnames(List<Candidate> ordered) {
        return ordered.stream().map(c -> c.member().hostname()).toList();
    }

    private static Candidate candidate(String hostname, Duration rtt, int inFlight) {
        NodeRecord record = new NodeRecord(0, TestNodes.newIdentity().publicKey(), hostname, List.of(), new TreeSet<>(),
                List.of(new Endpoint(Endpoint.Kind.LOCAL, new InetSocketAddress("127.0.0.1", 7400))), 1,
                Long.MAX_VALUE);
        return new Candidate(record, rtt, inFlight);
    }
}

package io.pilot.engine.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.TestNodes;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.identity.Identity;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The status collector alone: a fake backbone's counters and record changes, on a clock the test moves. */
class BackboneStatusTests {

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final FakeBackbone backbone = new FakeBackbone();

    private BackboneStatus status() {
        return new BackboneStatus(new BackboneStatus.Heading("0:0000.0000.0001", 0, "127.0.0.1:7400"), backbone,
                clock::get);
    }

    @Test
    void ratesAreTheCountersDifferencesPerSecondOverTheLastSamples() {
        BackboneStatus status = status();
        for (int second = 1; second <= 3; second++) {
            clock.addAndGet(1_000);
            backbone.counters = new BackboneStatus.Counters(10L * second, 100L * second, 4096L * second);
            status.sample();
        }

        BackboneStatus.Snapshot snapshot = status.snapshot();

        assertThat(snapshot.rates().registrationsPerSecond()).isEqualTo(10.0);
        assertThat(snapshot.rates().lookupsPerSecond()).isEqualTo(100.0);
        assertThat(snapshot.rates().relayBytesPerSecond()).isEqualTo(4096.0);
        assertThat(snapshot.totals()).isEqualTo(new BackboneStatus.Totals(30, 300, 3 * 4096));
    }

    @Test
    void ratesFollowOnlyTheLastFewSecondsSoAQuietBackboneShowsZero() {
        BackboneStatus status = status();
        clock.addAndGet(1_000);
        backbone.counters = new BackboneStatus.Counters(500, 500, 500);
        status.sample();
        for (int second = 0; second < 10; second++) {
            clock.addAndGet(1_000);
            status.sample();
        }

        BackboneStatus.Snapshot snapshot = status.snapshot();

        assertThat(snapshot.rates()).isEqualTo(new BackboneStatus.Rates(0, 0, 0));
        assertThat(snapshot.totals().registrationRequests()).isEqualTo(500);
    }

    @Test
    void newRecordsAreJoinsRemovedOnesLeavesAndAReplacedRecordIsNeither() {
        BackboneStatus status = status();
        HeldRecord papers = backbone.record("papers", 1);
        HeldRecord fx = backbone.record("fx", 1);
        backbone.change(null, papers);
        backbone.change(null, fx);
        clock.addAndGet(1_000);
        status.sample();
        backbone.change(papers, backbone.record("papers", 2));
        backbone.change(fx, null);
        clock.addAndGet(1_000);
        status.sample();

        List<BackboneStatus.Change> recent = status.snapshot().recent();

        assertThat(recent).extracting(BackboneStatus.Change::kind, BackboneStatus.Change::hostname)
                .containsExactly(tuple("leave", "fx"),
                        tuple("join", "fx"),
                        tuple("join", "papers"));
        assertThat(recent.get(0).atMillis()).isEqualTo(clock.get());
        assertThat(recent.get(0).address()).isEqualTo(fx.address.toString());
    }

    @Test
    void aChangeMadeBetweenReadingTheRevisionAndTheChangesIsNotedOnce() {
        BackboneStatus status = status();
        backbone.change(null, backbone.record("papers", 1));
        backbone.change(null, backbone.record("fx", 1));
        backbone.revisionLags = true; // the second change lands after the sample read the revision
        status.sample();
        backbone.revisionLags = false;
        status.sample();

        assertThat(status.snapshot().recent()).extracting(BackboneStatus.Change::hostname).containsExactly("fx", "papers");
    }

    @Test
    void keepsOnlyTheMostRecentJoinsAndLeaves() {
        BackboneStatus status = status();
        for (int i = 0; i < BackboneStatus.RECENT_CHANGES + 20; i++) {
            backbone.change(null, backbone.record("agent-" + i, 1));
        }
        status.sample();

        List<BackboneStatus.Change> recent = status.snapshot().recent();

        assertThat(recent).hasSize(BackboneStatus.RECENT_CHANGES);
        assertThat(recent.get(0).hostname()).isEqualTo("agent-" + (BackboneStatus.RECENT_CHANGES + 19));
        assertThat(recent.get(recent.size() - 1).hostname()).isEqualTo("agent-20");
    }

    @Test
    void changesTheHistoryNoLongerHoldsAreCountedAsMissed() {
        BackboneStatus status = status();
        backbone.change(null, backbone.record("papers", 1));
        backbone.historyLost = true;
        status.sample();

        BackboneStatus.Snapshot snapshot = status.snapshot();

        assertThat(snapshot.missedChanges()).isEqualTo(1);
        assertThat(snapshot.recent()).isEmpty();
    }

    @Test
    void groupsAndAgentsByPathComeFromTheRegistryAndTheSessions() {
        backbone.groups.put("RESEARCH", 3);
        backbone.groups.put("FINANCE", 1);
        backbone.registrations = 5;
        backbone.peers.add(peer(false, "udp", true));
        backbone.peers.add(peer(false, "udp", true));
        backbone.peers.add(peer(true, "udp", true));
        backbone.peers.add(peer(false, "tcp", true));
        backbone.peers.add(peer(false, "udp", false)); // a handshake under way: no session yet

        BackboneStatus.Snapshot snapshot = status().snapshot();

        assertThat(snapshot.groups()).containsExactly(new BackboneStatus.Group("FINANCE", 1),
                new BackboneStatus.Group("RESEARCH", 3));
        assertThat(snapshot.agents()).isEqualTo(new BackboneStatus.Agents(2, 1, 1, 1));
        assertThat(snapshot.registrations()).isEqualTo(5);
        assertThat(snapshot.address()).isEqualTo("0:0000.0000.0001");
    }

    private static PeerInfo peer(boolean relayed, String bearer, boolean established) {
        Identity identity = TestNodes.newIdentity();
        return new PeerInfo(identity.publicKey().address(0), identity.publicKey(), new InetSocketAddress("127.0.0.1", 9),
                established, Duration.ofMillis(1), 0, 0, null, relayed, "test", bearer);
    }

    /** A backbone whose counters, registry and sessions the test sets. */
    private static final class FakeBackbone implements BackboneStatus.Source {
        private final ChangeHistory<HeldRecord> history = new ChangeHistory<>(1_000, 0);
        private final Map<String, Integer> groups = new TreeMap<>();
        private final List<PeerInfo> peers = new ArrayList<>();
        private final Identity key = TestNodes.newIdentity();
        private long revision;
        private boolean historyLost;
        private boolean revisionLags;
        private int registrations;
        private BackboneStatus.Counters counters = new BackboneStatus.Counters(0, 0, 0);

        HeldRecord record(String hostname, long sequence) {
            Identity node = hostname.equals("papers") ? key : TestNodes.newIdentity();
            NodeRecord record = new NodeRecord(0, node.publicKey(), hostname, List.of(), new TreeSet<>(), List.of(),
                    sequence, System.currentTimeMillis() + 3_600_000);
            return new HeldRecord(SignedRecord.sign(record, node), Long.MAX_VALUE, names -> names, names -> names);
        }

        void change(HeldRecord before, HeldRecord after) {
            history.record(++revision, before, after);
        }

        @Override
        public long revision() {
            return revisionLags ? revision - 1 : revision;
        }

        @Override
        public Optional<List<ChangeHistory.Change<HeldRecord>>> changesSince(long since) {
            return historyLost ? Optional.empty() : history.since(since);
        }

        @Override
        public Map<String, Integer> groupMembers() {
            return groups;
        }

        @Override
        public int registrations() {
            return registrations;
        }

        @Override
        public BackboneStatus.Counters counters() {
            return counters;
        }

        @Override
        public List<PeerInfo> peers() {
            return peers;
        }
    }
}

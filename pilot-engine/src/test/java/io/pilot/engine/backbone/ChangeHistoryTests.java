package io.pilot.engine.backbone;

import io.pilot.engine.TestNodes;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.identity.Identity;

import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeHistoryTests {

    private final Identity node = TestNodes.newIdentity();

    private SignedRecord record(long sequence) {
        NodeRecord record = new NodeRecord(0, node.publicKey(), "fx", List.of(), new TreeSet<>(), List.of(), sequence,
                System.currentTimeMillis() + 3_600_000);
        return SignedRecord.sign(record, node);
    }

    @Test
    void givesTheChangesAfterARevisionInOrder() {
        ChangeHistory<SignedRecord> history = new ChangeHistory<>(10, 100);
        history.record(101, null, record(1));
        history.record(105, record(1), record(2));
        history.record(105, record(2), record(3)); // two changes of one revision (one etcd transaction)
        history.record(109, record(3), null);

        assertThat(history.since(101).orElseThrow()).extracting(ChangeHistory.Change::revision).containsExactly(105L, 105L, 109L);
        assertThat(history.since(100).orElseThrow()).hasSize(4);
        assertThat(history.since(109).orElseThrow()).isEmpty();
        assertThat(history.since(200).orElseThrow()).as("a revision not reached yet: nothing missed").isEmpty();
    }

    @Test
    void aRevisionBeforeItsStartCannotBeReplayed() {
        ChangeHistory<SignedRecord> history = new ChangeHistory<>(10, 100);
        history.record(101, null, record(1));

        assertThat(history.since(99)).isEmpty();
    }

    @Test
    void forgetsTheOldestChangesBeyondItsCapacityAndThenRefusesToReplayFromBeforeThem() {
        ChangeHistory<SignedRecord> history = new ChangeHistory<>(3, 0);
        for (int i = 1; i <= 5; i++) {
            history.record(i * 10, null, record(i));
        }

        assertThat(history.since(19)).as("the change at 20 is forgotten").isEmpty();
        assertThat(history.since(20).orElseThrow()).extracting(ChangeHistory.Change::revision).containsExactly(30L, 40L, 50L);
    }

    @Test
    void aRestartForgetsEverythingBeforeIt() {
        ChangeHistory<SignedRecord> history = new ChangeHistory<>(10, 0);
        history.record(10, null, record(1));
        history.restartAt(50);

        assertThat(history.since(10)).isEmpty();
        assertThat(history.since(50).orElseThrow()).isEmpty();
    }

    @Test
    void refusesARevisionGoingBackAndAnEmptyCapacity() {
        ChangeHistory<SignedRecord> history = new ChangeHistory<>(10, 0);
        history.record(10, null, record(1));

        assertThatThrownBy(() -> history.record(9, null, record(2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("revision 9 recorded after 10");
        assertThatThrownBy(() -> new ChangeHistory(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(history.since(0).orElseThrow()).hasSize(1);
    }
}

package io.pilot.engine.backbone;

import io.pilot.engine.TestNodes;
import io.pilot.engine.directory.CapabilityInfo;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.identity.Identity;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeaseWheelTests {

    private static final long EXPIRES = Long.MAX_VALUE / 2;

    private static HeldRecord held(long leaseExpiresAtMillis) {
        Identity node = TestNodes.newIdentity();
        NodeRecord record = new NodeRecord(0, node.publicKey(), "fx", List.of(CapabilityInfo.of("fx.convert")),
                new TreeSet<>(), List.of(), 1, EXPIRES);
        return new HeldRecord(SignedRecord.sign(record, node), leaseExpiresAtMillis, names -> names, names -> names);
    }

    @Test
    void aRecordComesDueOnlyOnceItsSlotHasEnded() {
        LeaseWheel wheel = new LeaseWheel(100);
        HeldRecord record = held(1_050);
        wheel.file(record);

        assertThat(wheel.takeDue(1_050)).isEmpty(); // lapsed now, but its slot (1,000-1,099) is still running
        assertThat(wheel.takeDue(1_099)).isEmpty();
        assertThat(wheel.takeDue(1_100)).containsExactly(record);
        assertThat(wheel.size()).isZero();
        assertThat(wheel.takeDue(5_000)).isEmpty(); // taken once
    }

    @Test
    void aSweepTakesTheDueRecordsAndLeavesTheOthersUnvisited() {
        LeaseWheel wheel = new LeaseWheel(100);
        List<HeldRecord> due = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HeldRecord record = held(200 + i * 40);
            due.add(record);
            wheel.file(record);
        }
        for (int i = 0; i < 50; i++) {
            wheel.file(held(10_000 + i));
        }

        assertThat(wheel.takeDue(400)).containsExactlyInAnyOrderElementsOf(due);
        assertThat(wheel.size()).isEqualTo(50);
    }

    @Test
    void aRecordFiledAgainAtItsMovedLeaseComesDueThen() {
        LeaseWheel wheel = new LeaseWheel(100);
        HeldRecord record = held(1_000);
        wheel.file(record);
        record.renewLease(3_000); // a heartbeat: nothing moves in the wheel

        List<HeldRecord> looked = wheel.takeDue(1_100);
        assertThat(looked).containsExactly(record);
        assertThat(record.lapsed(1_100)).isFalse();
        wheel.file(record);

        assertThat(wheel.takeDue(3_000)).isEmpty();
        assertThat(wheel.takeDue(3_100)).containsExactly(record);
    }

    @Test
    void aRecordLapsesAtItsRecordsExpiryWhenThatComesBeforeItsLease() {
        Identity node = TestNodes.newIdentity();
        NodeRecord record = new NodeRecord(0, node.publicKey(), "fx", List.of(), new TreeSet<>(), List.of(), 1, 500);
        HeldRecord held = new HeldRecord(SignedRecord.sign(record, node), 10_000, names -> names, names -> names);
        LeaseWheel wheel = new LeaseWheel(100);
        wheel.file(held);

        assertThat(wheel.takeDue(600)).containsExactly(held);
        assertThat(held.lapsed(600)).isTrue();
    }

    @Test
    void refusesASlotNarrowerThanAMillisecond() {
        assertThatThrownBy(() -> new LeaseWheel(0)).isInstanceOf(IllegalArgumentException.class);
    }
}

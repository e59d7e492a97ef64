package io.pilot.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.benchmarks.Handovers.Call;

import java.util.List;

import org.junit.jupiter.api.Test;

class HandoversTests {

    @Test
    void leaveRunsFromTheSignalToTheEndOfTheLastCallThatMissedTheSurvivor() {
        List<Call> trace = List.of(
                new Call(0, 90, "a"),
                new Call(100, 150, "a"),     // signal at 120: still answered by the leaver
                new Call(150, 400, null),    // failed
                new Call(400, 450, "b"),
                new Call(450, 500, "b"));

        Handovers.Handover leave = Handovers.leave(trace, 120, "b");

        assertThat(leave.micros()).isEqualTo(400 - 120);
        assertThat(leave.failedCalls()).isEqualTo(1);
    }

    @Test
    void leaveIsZeroWhenEveryCallAfterTheSignalReachedTheSurvivor() {
        List<Call> trace = List.of(new Call(0, 50, "a"), new Call(60, 80, "b"), new Call(80, 90, "b"));

        assertThat(Handovers.leave(trace, 55, "b").micros()).isZero();
    }

    @Test
    void leaveIsUnknownWhenTheTraceEndsWithoutTheSurvivor() {
        List<Call> trace = List.of(new Call(0, 50, "b"), new Call(60, 80, "a"), new Call(80, 90, null));

        Handovers.Handover leave = Handovers.leave(trace, 55, "b");

        assertThat(leave.micros()).isNull();
        assertThat(leave.failedCalls()).isEqualTo(1);
    }

    @Test
    void joinRunsFromReadinessToTheEndOfTheFirstCallTheJoinerAnswered() {
        List<Call> trace = List.of(
                new Call(0, 10, null),
                new Call(1_000, 1_010, null),
                new Call(2_000, 2_010, null),
                new Call(2_020, 2_500, "c"),
                new Call(2_500, 2_600, "c"));

        Handovers.Handover join = Handovers.join(trace, 1_500, "c");

        assertThat(join.micros()).isEqualTo(1_000);
        assertThat(join.failedCalls()).as("failures after readiness only").isEqualTo(1);
    }

    @Test
    void joinIsUnknownWhenTheJoinerAnsweredNothing() {
        List<Call> trace = List.of(new Call(0, 10, null), new Call(20, 30, "other"));

        assertThat(Handovers.join(trace, 5, "c").micros()).isNull();
    }

    @Test
    void callsLongerThanASecondAfterTheEventAreCountedAnsweredOrNot() {
        long second = Handovers.SLOW_MICROS;
        List<Call> trace = List.of(
                new Call(0, 2 * second, "a"),                     // slow, but over before the event
                new Call(2 * second, 3 * second + 1, null),       // a failed call that waited past a second
                new Call(3 * second + 1, 4 * second + 2, "b"),    // answered, after a second and a bit
                new Call(4 * second + 2, 4 * second + 10, "b"));  // quick

        Handovers.Handover died = Handovers.leave(trace, 2 * second + 5, "b");
        assertThat(died.slowCalls()).isEqualTo(2);
        assertThat(died.failedCalls()).isEqualTo(1);
        assertThat(died.micros()).as("the survivor's slow answer was a failover: followed only after it")
                .isEqualTo(4 * second + 2 - (2 * second + 5));

        Handovers.Handover joined = Handovers.join(trace, 2 * second + 5, "b");
        assertThat(joined.slowCalls()).as("slow calls before the joiner's first answer").isEqualTo(1);
    }

    @Test
    void aCallTheSurvivorAnsweredOnlyAfterFailingOverStillCountsAgainstTheCaller() {
        long second = Handovers.SLOW_MICROS;
        List<Call> trace = List.of(
                new Call(0, 10, "a"),
                new Call(10, 10 * second, "b"),                   // sent to a, which died at 20: failed over at 10 s
                new Call(10 * second, 10 * second + 40, "b"));

        Handovers.Handover died = Handovers.leave(trace, 20, "b");

        assertThat(died.micros()).isEqualTo(10 * second - 20);
        assertThat(died.slowCalls()).isEqualTo(1);
        assertThat(died.failedCalls()).isZero();
    }
}

package io.pilot.engine.directory;

import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.identity.Identity;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WatchTests {

    private final RecordingListener listener = new RecordingListener();
    /** The delays the watch asked its reorder timer for, in order. */
    private final List<Long> checks = new ArrayList<>();
    /** The checks themselves, in the same order: a test runs them as the timer would. */
    private final List<Runnable> checkTasks = new ArrayList<>();
    private final Watch watch = new Watch(Query.CAPABILITY, "fx.rate", listener, (check, delay) -> {
        checks.add(delay);
        checkTasks.add(check);
    });
    private final Identity fxIdentity = Records.identity();
    private final Identity papersIdentity = Records.identity();

    private NodeRecord fx(long sequence) {
        return Records.signed(fxIdentity, "fx", "fx.rate", sequence).record();
    }

    private NodeRecord papers(long sequence) {
        return Records.signed(papersIdentity, "papers", "fx.rate", sequence).record();
    }

    @Test
    void theSnapshotIsHeardAsJoins() {
        watch.start(7, 100, 0, List.of(fx(1), papers(1)));

        assertThat(watch.id()).isEqualTo(7);
        assertThat(listener.heard).containsExactly("joined fx#1", "joined papers#1");
    }

    @Test
    void eventsNotNewerThanTheSnapshotAreAlreadyInIt() {
        watch.start(7, 100, 0, List.of(fx(1)));
        watch.apply(DirectoryProtocol.EVENT_UPDATE, 100, fx(2));
        watch.apply(DirectoryProtocol.EVENT_UPDATE, 99, fx(2));

        assertThat(listener.heard).containsExactly("joined fx#1");
    }

    @Test
    void perNodeAnOvertakenEventIsDroppedAndNodesDoNotHoldEachOtherUp() {
        watch.start(7, 100, 0, List.of());
        watch.apply(DirectoryProtocol.EVENT_JOIN, 101, fx(1));
        watch.apply(DirectoryProtocol.EVENT_UPDATE, 105, fx(3));
        watch.apply(DirectoryProtocol.EVENT_UPDATE, 103, fx(2)); // overtaken by 105: stale
        watch.apply(DirectoryProtocol.EVENT_JOIN, 102, papers(1)); // another node: its own order
        watch.apply(DirectoryProtocol.EVENT_LEAVE, 110, papers(1));

        assertThat(listener.heard).containsExactly("joined fx#1", "updated fx#3", "joined papers#1", "left papers#1");
    }

    @Test
    void aResyncTellsOnlyTheDifference() {
        watch.start(7, 100, 0, List.of(fx(1), papers(1)));
        listener.heard.clear();
        Identity newcomer = Records.identity();

        watch.restart(8, 50, 0);
        watch.resync(List.of(fx(2), Records.signed(newcomer, "news", "fx.rate", 1).record()), 0);

        assertThat(watch.id()).isEqualTo(8);
        assertThat(listener.heard).containsExactly("left papers#1", "updated fx#2", "joined news#1");
    }

    @Test
    void itHearsThroughTheLongestRunOfEventsWithoutAGap() {
        watch.start(7, 100, 0, List.of());
        watch.apply(DirectoryProtocol.EVENT_JOIN, 103, fx(1), 100);
        watch.apply(DirectoryProtocol.EVENT_UPDATE, 109, fx(3), 105); // 105 not yet here
        assertThat(watch.heardThrough()).isEqualTo(103);

        watch.apply(DirectoryProtocol.EVENT_JOIN, 105, papers(1), 103); // the gap fills
        assertThat(watch.heardThrough()).isEqualTo(109);
        assertThat(listener.heard).as("109 waited for 105, which it follows")
                .containsExactly("joined fx#1", "joined papers#1", "updated fx#3");

        watch.apply(DirectoryProtocol.EVENT_UPDATE, 111, fx(4), Watch.NOT_CHAINED);
        assertThat(watch.heardThrough()).as("an event that names no predecessor proves nothing").isEqualTo(109);
    }

    @Test
    void anEventThatOvertookTheOneItFollowsWaitsForItSoNodesAreHeardInTheBackbonesOrder() {
        watch.start(7, 100, 0, List.of());
        watch.apply(DirectoryProtocol.EVENT_JOIN, 104, fx(1), 102); // 102 not yet here
        watch.apply(DirectoryProtocol.EVENT_LEAVE, 106, fx(1), 104);
        assertThat(listener.heard).as("held behind the gap").isEmpty();
        assertThat(watch.holding()).isEqualTo(2);
        assertThat(checks).as("one check, a hold from now").containsExactly(Watch.REORDER_HOLD_NANOS);

        watch.apply(DirectoryProtocol.EVENT_JOIN, 102, papers(1), 100);

        assertThat(listener.heard).containsExactly("joined papers#1", "joined fx#1", "left fx#1");
        assertThat(watch.holding()).isZero();
        assertThat(watch.releaseOverdue(System.nanoTime() + Watch.REORDER_HOLD_NANOS)).isZero();
        assertThat(listener.heard).hasSize(3);
    }

    @Test
    void eventsHeldForOneThatDoesNotComeAreHeardAfterTheHoldAndTheLateOneOnlyWhereItIsNews() {
        watch.start(7, 100, 0, List.of());
        watch.apply(DirectoryProtocol.EVENT_JOIN, 104, fx(1), 102); // 102 lost on the way
        watch.apply(DirectoryProtocol.EVENT_UPDATE, 105, papers(2), 104);
        long arrived = System.nanoTime();

        assertThat(watch.releaseOverdue(arrived)).as("not due yet: the time left").isPositive()
                .isLessThanOrEqualTo(Watch.REORDER_HOLD_NANOS);
        assertThat(listener.heard).isEmpty();

        assertThat(watch.releaseOverdue(System.nanoTime() + Watch.REORDER_HOLD_NANOS)).isZero();
        assertThat(listener.heard).containsExactly("joined fx#1", "updated papers#2");
        assertThat(watch.heardThrough()).as("still behind the gap: a renewal replays 102").isEqualTo(100);

        watch.apply(DirectoryProtocol.EVENT_UPDATE, 107, fx(2), 105);
        assertThat(listener.heard).as("what follows the released events waits for nothing")
                .containsExactly("joined fx#1", "updated papers#2", "updated fx#2");
        assertThat(checks).hasSize(1);

        watch.apply(DirectoryProtocol.EVENT_JOIN, 102, papers(1), 100); // the lost one, late: papers is at 105
        assertThat(listener.heard).as("never back for a node").hasSize(3);
        assertThat(watch.heardThrough()).isEqualTo(107);
    }

    @Test
    void aResumptionDropsWhatItHeldSinceTheReplayCarriesItInOrder() {
        watch.start(7, 100, 0, List.of());
        watch.apply(DirectoryProtocol.EVENT_JOIN, 104, fx(1), 102);

        watch.resume(8, 110, 0);
        watch.apply(DirectoryProtocol.EVENT_JOIN, 102, papers(1));
        watch.apply(DirectoryProtocol.EVENT_JOIN, 104, fx(1));
        watch.apply(DirectoryProtocol.EVENT_UPDATE, 112, fx(2), 110);

        assertThat(listener.heard).containsExactly("joined papers#1", "joined fx#1", "updated fx#2");
        assertThat(watch.holding()).isZero();
        assertThat(watch.releaseOverdue(System.nanoTime() + Watch.REORDER_HOLD_NANOS)).isZero();
        assertThat(listener.heard).hasSize(3);
    }

    @Test
    void aClosedWatchReleasesNothingItHeld() {
        watch.start(7, 100, 0, List.of());
        watch.apply(DirectoryProtocol.EVENT_JOIN, 104, fx(1), 102);

        watch.close();

        assertThat(watch.releaseOverdue(System.nanoTime() + Watch.REORDER_HOLD_NANOS)).isZero();
        assertThat(listener.heard).isEmpty();
    }

    @Test
    void moreEventsAheadOfAGapThanItHoldsAreHeardAtOnceInOrder() {
        watch.start(7, 100, 0, List.of());
        for (int i = 0; i <= Watch.MAX_AHEAD_OF_GAP; i++) {
            watch.apply(DirectoryProtocol.EVENT_UPDATE, 202 + i, fx(1 + i), 201 + i); // 201 never comes
        }

        assertThat(watch.holding()).isZero();
        assertThat(listener.heard).hasSize(Watch.MAX_AHEAD_OF_GAP + 1).startsWith("updated fx#1", "updated fx#2")
                .endsWith("updated fx#" + (Watch.MAX_AHEAD_OF_GAP + 1));
    }

    @Test
    void theTimersCheckComesBackWhileEventsAreHeldAndStopsOnceNoneIs() {
        watch.start(7, 100, 0, List.of());
        watch.apply(DirectoryProtocol.EVENT_JOIN, 104, fx(1), 102);

        checkTasks.get(0).run(); // early, as a timer may be: nothing due yet
        assertThat(listener.heard).isEmpty();
        assertThat(checks).as("it asked to be run again when the hold ends").hasSize(2);
        assertThat(checks.get(1)).isPositive().isLessThanOrEqualTo(Watch.REORDER_HOLD_NANOS);

        watch.apply(DirectoryProtocol.EVENT_JOIN, 102, papers(1), 100);
        checkTasks.get(1).run();
        assertThat(checks).as("nothing held: no further check").hasSize(2);
        assertThat(listener.heard).containsExactly("joined papers#1", "joined fx#1");
    }

    @Test
    void twoEventsThatFollowTheSameOneAreBothHeardTheSecondAsItComes() {
        watch.start(7, 100, 0, List.of());
        watch.apply(DirectoryProtocol.EVENT_JOIN, 104, fx(1), 102);
        watch.apply(DirectoryProtocol.EVENT_JOIN, 105, papers(1), 102); // a backbone at fault: no chain

        assertThat(listener.heard).containsExactly("joined papers#1");
        assertThat(watch.releaseOverdue(System.nanoTime() + Watch.REORDER_HOLD_NANOS)).isZero();
        assertThat(listener.heard).containsExactly("joined papers#1", "joined fx#1");
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheEventsReleasedAfterIt() {
        List<String> told = new ArrayList<>();
        Watch throwing = new Watch(Query.CAPABILITY, "fx.rate", new DirectoryClient.WatchListener() {
            @Override
            public void joined(NodeRecord record) {
                told.add("joined " + record.hostname());
                if (record.hostname().equals("papers")) {
                    throw new IllegalStateException("the listener's own fault");
                }
            }

            @Override
            public void updated(NodeRecord record) {
                told.add("updated " + record.hostname());
            }

            @Override
            public void left(NodeRecord record) {
                told.add("left " + record.hostname());
            }
        }, (check, delay) -> { });
        throwing.start(7, 100, 0, List.of());
        throwing.apply(DirectoryProtocol.EVENT_JOIN, 104, fx(1), 102);
        throwing.apply(DirectoryProtocol.EVENT_JOIN, 102, papers(1), 100);

        assertThat(told).as("the event held after the failing call was told too").containsExactly("joined papers", "joined fx");
        assertThat(throwing.holding()).isZero();
    }

    @Test
    void aResumptionKeepsWhatWasAppliedSoAReplayedChangeIsNotHeardTwice() {
        watch.start(7, 100, 0, List.of());
        watch.apply(DirectoryProtocol.EVENT_JOIN, 103, fx(1), 100);

        watch.resume(8, 120, 0);
        watch.apply(DirectoryProtocol.EVENT_JOIN, 103, fx(1));
        watch.apply(DirectoryProtocol.EVENT_UPDATE, 115, fx(2));

        assertThat(listener.heard).containsExactly("joined fx#1", "updated fx#2");
        assertThat(watch.heardThrough()).isEqualTo(120);
    }

    @Test
    void aRestartForgetsRevisionsOfTheOldSubscription() {
        watch.start(7, 100, 0, List.of());
        watch.apply(DirectoryProtocol.EVENT_JOIN, 150, fx(1));
        watch.restart(8, 10, 0); // a new backbone counts revisions from scratch

        watch.apply(DirectoryProtocol.EVENT_UPDATE, 11, fx(2));

        assertThat(listener.heard).containsExactly("joined fx#1", "updated fx#2");
    }

    @Test
    void aNodeARestartedBackboneLacksIsKeptUntilItRegistersAgain() {
        watch.start(7, 100, 1, List.of(fx(1), papers(1)));
        listener.heard.clear();

        watch.restart(8, 3, 2);
        watch.resync(List.of(), 10_000);
        watch.endMissing(9_999);
        assertThat(listener.heard).as("not yet a lease after the restart").isEmpty();
        assertThat(watch.keepsMissing(fx(1).address())).isTrue();

        watch.apply(DirectoryProtocol.EVENT_JOIN, 4, fx(2), 3); // fx registers again, with a new sequence
        watch.apply(DirectoryProtocol.EVENT_JOIN, 5, papers(1), 4); // papers too, its record unchanged
        watch.endMissing(20_000);

        assertThat(listener.heard).containsExactly("updated fx#2");
        assertThat(watch.keepsMissing(fx(1).address())).isFalse();
        assertThat(watch.keepsMissing(papers(1).address())).isFalse();
    }

    @Test
    void aNodeThatDoesNotRegisterAgainWithinTheGraceIsHeardToLeave() {
        watch.start(7, 100, 1, List.of(fx(1), papers(1)));
        listener.heard.clear();

        watch.restart(8, 3, 2);
        watch.resync(List.of(papers(1)), 10_000);
        watch.endMissing(10_000);
        watch.endMissing(20_000);

        assertThat(listener.heard).containsExactly("left fx#1");
        assertThat(watch.keepsMissing(fx(1).address())).isFalse();
    }

    @Test
    void aNodeKeptWhileMissingThatLeavesIsHeardToLeaveOnce() {
        watch.start(7, 100, 1, List.of(fx(1)));
        listener.heard.clear();

        watch.restart(8, 3, 2);
        watch.resync(List.of(), 10_000);
        watch.apply(DirectoryProtocol.EVENT_JOIN, 4, fx(2), 3);
        watch.apply(DirectoryProtocol.EVENT_LEAVE, 6, fx(2), 4);
        watch.endMissing(20_000);

        assertThat(listener.heard).containsExactly("updated fx#2", "left fx#2");
    }

    @Test
    void aSnapshotOlderThanAnEventAlreadyAppliedDoesNotUndoIt() {
        watch.start(7, 100, 1, List.of(fx(1)));
        listener.heard.clear();

        // The renewal's events overtook its reply: released before the snapshot, which is of revision 3.
        watch.restart(8, 3, 1);
        watch.apply(DirectoryProtocol.EVENT_JOIN, 4, papers(1), 3);
        watch.apply(DirectoryProtocol.EVENT_UPDATE, 5, fx(2), 4);
        watch.resync(List.of(fx(1)), 0);

        assertThat(listener.heard).containsExactly("joined papers#1", "updated fx#2");
    }

    @Test
    void withoutAGraceAMissingNodeLeavesAtOnce() {
        watch.start(7, 100, 1, List.of(fx(1)));
        listener.heard.clear();

        watch.restart(8, 3, 1);
        watch.resync(List.of(), 0);

        assertThat(listener.heard).containsExactly("left fx#1");
        assertThat(watch.keepsMissing(fx(1).address())).isFalse();
    }

    @Test
    void aSnapshotWithoutGraceLeavesANodeKeptWhileMissingToItsGrace() {
        watch.start(7, 100, 1, List.of(fx(1)));
        listener.heard.clear();
        watch.restart(8, 3, 2);
        watch.resync(List.of(), 10_000);

        watch.restart(9, 4, 2); // renewed again at the same new backbone, fx still not registered
        watch.resync(List.of(), 0);

        assertThat(listener.heard).isEmpty();
        watch.endMissing(10_000);
        assertThat(listener.heard).containsExactly("left fx#1");
    }
}

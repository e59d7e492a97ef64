package io.pilot.engine.directory;

import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.identity.Identity;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import static io.pilot.engine.directory.FakeBackbone.records;
import static io.pilot.engine.directory.FakeBackbone.watchSnapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WatchesTests {

    private final FakeBackbone backbone = new FakeBackbone();
    private final RecordCache cache = new RecordCache();
    private final Watches watches = new Watches(backbone, new Lookups(backbone, cache, 0), cache, DirectoryTimer.TIMER);
    private final RecordingListener listener = new RecordingListener();
    private final Identity fxIdentity = Records.identity();

    private final SignedRecord papers = Records.signed(Records.identity(), "papers", "fx.rate", 1);

    private SignedRecord fx(long sequence) {
        return Records.signed(fxIdentity, "fx", "fx.rate", sequence);
    }

    @Test
    void aRenewalAsksForTheChangesAfterTheLastRevisionHeardThroughAndHearsEachInOrder() {
        backbone.reply(records(watchSnapshot(7, 100), fx(1)));
        Watch watch = watches.watch(Query.CAPABILITY, "fx.rate", listener).join();
        watches.onEvent(DirectoryProtocol.EVENT_UPDATE, 7, 104, fx(2), 100);
        watches.onEvent(DirectoryProtocol.EVENT_UPDATE, 7, 110, fx(4), 107); // 107 never arrived: a gap
        // The other backbone replays everything after 104: fx#3 at 107, fx#4 at 110 (heard already), fx#5 at 112.
        backbone.reply(DirectoryProtocol.ok().u32(3).u64(115).u64(0x0bbe).u8(DirectoryProtocol.WATCH_REPLAYED).u32(3)
                .u8(DirectoryProtocol.EVENT_UPDATE).u64(107).bytes16(fx(3).toBytes())
                .u8(DirectoryProtocol.EVENT_UPDATE).u64(110).bytes16(fx(4).toBytes())
                .u8(DirectoryProtocol.EVENT_UPDATE).u64(112).bytes16(fx(5).toBytes()));

        watches.backboneRestarted();
        watches.onEvent(DirectoryProtocol.EVENT_UPDATE, 3, 120, fx(6), 115);

        BinaryReader request = new BinaryReader(backbone.requests.get(1));
        assertThat(request.u8()).isEqualTo(DirectoryProtocol.OP_WATCH_FROM);
        assertThat(request.u8()).isEqualTo(Query.CAPABILITY.ordinal());
        assertThat(request.string8()).isEqualTo("fx.rate");
        assertThat(request.u64()).as("heard through: 107 is missing").isEqualTo(104);
        assertThat(request.u64()).as("the epoch of the backbone those revisions are from").isEqualTo(FakeBackbone.EPOCH);
        assertThat(watch.id()).isEqualTo(3);
        // fx#4 waited for fx#3, which it follows; the replay carried both, so each change is heard once, in order.
        assertThat(listener.heard).containsExactly("joined fx#1", "updated fx#2", "updated fx#3", "updated fx#4",
                "updated fx#5", "updated fx#6");
        assertThat(watch.heardThrough()).isEqualTo(120);
    }

    @Test
    void eventsARecordOfWhichThisNodeWouldNotTakeKeepTheirPlaceInTheChainAndTellTheListenerNothing() {
        backbone.reply(records(watchSnapshot(7, 100), fx(1)));
        watches.watch(Query.CAPABILITY, "fx.rate", listener).join();
        Identity stranger = Records.identity();
        SignedRecord otherRealm = Records.signed(stranger, 5, "abroad", "fx.rate", 1, System.currentTimeMillis() + 60_000);
        SignedRecord expired = Records.signed(Records.identity(), 0, "stale", "fx.rate", 1, System.currentTimeMillis() - 1);
        SignedRecord elsewhere = Records.signed(Records.identity(), "papers-only", "papers.search", 1);

        watches.onEvent(DirectoryProtocol.EVENT_JOIN, 7, 101, otherRealm, 100);
        watches.onEvent(DirectoryProtocol.EVENT_JOIN, 7, 102, expired, 101);
        watches.onEvent(DirectoryProtocol.EVENT_JOIN, 7, 103, elsewhere, 102);
        watches.onEvent(DirectoryProtocol.EVENT_UPDATE, 7, 104, fx(2), 103);

        assertThat(listener.heard).as("fx#2 follows the ignored events at once: nothing was held for them")
                .containsExactly("joined fx#1", "updated fx#2");
        assertThat(cache.held(otherRealm.record().address())).as("not cached").isNull();
        assertThat(cache.held(expired.record().address())).isNull();

        // A record that no longer matches, sent as an UPDATE, is the node leaving this watch.
        SignedRecord moved = Records.signed(fxIdentity, "fx", "papers.search", 3);
        watches.onEvent(DirectoryProtocol.EVENT_UPDATE, 7, 105, moved, 104);
        // A LEAVE is taken even with its record expired (a lease or a record that ran out): it removes.
        Identity late = Records.identity();
        watches.onEvent(DirectoryProtocol.EVENT_JOIN, 7, 106, Records.signed(late, "late", "fx.rate", 1), 105);
        watches.onEvent(DirectoryProtocol.EVENT_LEAVE, 7, 107,
                Records.signed(late, 0, "late", "fx.rate", 1, System.currentTimeMillis() - 1), 106);
        assertThat(listener.heard).containsExactly("joined fx#1", "updated fx#2", "left fx#3", "joined late#1", "left late#1");
    }

    @Test
    void eventsHeldForOneLostOnTheWayAreHeardWhenTheHoldEndsAndAClosedWatchHearsNothingMore() {
        backbone.reply(records(watchSnapshot(7, 100), fx(1)));
        watches.watch(Query.CAPABILITY, "fx.rate", listener).join();
        watches.onEvent(DirectoryProtocol.EVENT_UPDATE, 7, 110, fx(3), 104); // 104 lost on the way
        assertThat(listener.heard).as("waiting for 104").containsExactly("joined fx#1");

        // The directory's timer releases it once the hold ends: nobody else calls the watch.
        await().atMost(10, TimeUnit.SECONDS).until(() -> listener.heard.size() == 2);
        assertThat(listener.heard).containsExactly("joined fx#1", "updated fx#3");

        backbone.reply(records(watchSnapshot(8, 120), fx(3)));
        Watch other = watches.watch(Query.CAPABILITY, "fx.rate", listener).join();
        watches.onEvent(DirectoryProtocol.EVENT_UPDATE, 8, 130, fx(5), 125);
        watches.close(other);
        assertThat(other.releaseOverdue(System.nanoTime() + Watch.REORDER_HOLD_NANOS)).isZero();
        assertThat(other.holding()).as("dropped, not told").isZero();
        assertThat(listener.heard).containsExactly("joined fx#1", "updated fx#3", "joined fx#3");
    }

    @Test
    void aWatchClosedWhileItsRenewalIsOnItsWayEndsTheNewSubscriptionAndHearsNothing() {
        backbone.reply(records(watchSnapshot(7, 100), fx(1)));
        Watch watch = watches.watch(Query.CAPABILITY, "fx.rate", listener).join();
        CompletableFuture<byte[]> renewal = new CompletableFuture<>();
        backbone.later(renewal).reply(DirectoryProtocol.ok()).reply(DirectoryProtocol.ok());

        watches.reconnected(); // WATCH_FROM, its reply still on its way
        watches.close(watch); // UNWATCH 7
        renewal.complete(DirectoryProtocol.ok().u32(8).u64(112).u64(FakeBackbone.EPOCH)
                .u8(DirectoryProtocol.WATCH_REPLAYED).u32(0).toBytes());
        watches.onEvent(DirectoryProtocol.EVENT_UPDATE, 8, 113, fx(2), 112);

        assertThat(backbone.op(1)).isEqualTo(DirectoryProtocol.OP_WATCH_FROM);
        assertThat(backbone.op(2)).isEqualTo(DirectoryProtocol.OP_UNWATCH);
        assertThat(backbone.op(3)).as("the renewal's subscription ended as it came").isEqualTo(DirectoryProtocol.OP_UNWATCH);
        BinaryReader unwatch = new BinaryReader(backbone.requests.get(3));
        unwatch.u8();
        assertThat(unwatch.u32()).isEqualTo(8);
        assertThat(listener.heard).containsExactly("joined fx#1");
    }

    @Test
    void aWatchThatStaysShortOfAnEventAcrossTwoChecksIsRenewedAtTheSameBackboneAndHearsIt() {
        backbone.reply(records(watchSnapshot(7, 100), fx(1)));
        Watch watch = watches.watch(Query.CAPABILITY, "fx.rate", listener).join();
        // The event at 104 (papers joining) was lost on the way.
        watches.onEvent(DirectoryProtocol.EVENT_UPDATE, 7, 110, fx(3), 104);

        watches.renewStuck(); // maybe only overtaken: not yet
        assertThat(backbone.requests).hasSize(1);
        backbone.reply(DirectoryProtocol.ok().u32(8).u64(112).u64(FakeBackbone.EPOCH).u8(DirectoryProtocol.WATCH_REPLAYED)
                .u32(2).u8(DirectoryProtocol.EVENT_JOIN).u64(104).bytes16(papers.toBytes())
                .u8(DirectoryProtocol.EVENT_UPDATE).u64(110).bytes16(fx(3).toBytes()))
                .reply(DirectoryProtocol.ok());
        watches.renewStuck();

        BinaryReader request = new BinaryReader(backbone.requests.get(1));
        assertThat(request.u8()).isEqualTo(DirectoryProtocol.OP_WATCH_FROM);
        request.u8();
        request.string8();
        assertThat(request.u64()).isEqualTo(100);
        assertThat(new BinaryReader(backbone.requests.get(2)).u8()).as("the old subscription ended")
                .isEqualTo(DirectoryProtocol.OP_UNWATCH);
        assertThat(watch.id()).isEqualTo(8);
        assertThat(listener.heard).as("fx#3 waited for papers, whose event it follows, until the replay carried both")
                .containsExactly("joined fx#1", "joined papers#1", "updated fx#3");
        assertThat(watch.heardThrough()).isEqualTo(112);
        watches.renewStuck();
        assertThat(backbone.requests).as("no gap left: nothing renewed").hasSize(3);
    }

    @Test
    void whereTheBackboneCannotReplayTheListenerHearsTheDifferenceFromItsSnapshot() {
        backbone.reply(records(watchSnapshot(7, 100), fx(1)));
        Watch watch = watches.watch(Query.CAPABILITY, "fx.rate", listener).join();
        backbone.reply(records(watchSnapshot(2, 300), fx(4)));

        watches.backboneRestarted();

        assertThat(watch.id()).isEqualTo(2);
        assertThat(listener.heard).containsExactly("joined fx#1", "updated fx#4");
        assertThat(watch.heardThrough()).isEqualTo(300);
    }

    @Test
    void aBackboneThatDoesNotKnowWatchFromGetsAWatch() {
        backbone.fail(new DirectoryException(DirectoryError.UNKNOWN_OPERATION, "operation 34 is unknown"))
                .reply(records(DirectoryProtocol.ok().u32(7).u64(100), fx(1)));

        Watch watch = watches.watch(Query.CAPABILITY, "fx.rate", listener).join();

        assertThat(backbone.op(0)).isEqualTo(DirectoryProtocol.OP_WATCH_FROM);
        assertThat(backbone.op(1)).isEqualTo(DirectoryProtocol.OP_WATCH);
        assertThat(watch.id()).isEqualTo(7);
        assertThat(watch.epoch()).isZero();
        assertThat(listener.heard).containsExactly("joined fx#1");
    }

    @Test
    void aWatchHearsItsSnapshotThenItsEvents() {
        backbone.reply(records(watchSnapshot(7, 100), fx(1)));
        watches.watch(Query.CAPABILITY, "fx.rate", listener).join();

        watches.onEvent(DirectoryProtocol.EVENT_UPDATE, 7, 101, fx(2));
        watches.onEvent(DirectoryProtocol.EVENT_UPDATE, 8, 102, fx(3)); // another subscription

        assertThat(backbone.op(0)).isEqualTo(DirectoryProtocol.OP_WATCH_FROM);
        assertThat(listener.heard).containsExactly("joined fx#1", "updated fx#2");
    }

    @Test
    void eventsThatOvertakeTheWatchReplyAreAppliedOnceItArrives() {
        watches.onEvent(DirectoryProtocol.EVENT_UPDATE, 7, 101, fx(2));
        backbone.reply(records(watchSnapshot(7, 100), fx(1)));

        watches.watch(Query.CAPABILITY, "fx.rate", listener).join();

        assertThat(listener.heard).containsExactly("joined fx#1", "updated fx#2");
    }

    @Test
    void everyEventUpdatesTheCache() {
        watches.onEvent(DirectoryProtocol.EVENT_JOIN, 7, 101, fx(1));
        assertThat(cache.get(fx(1).record().address(), System.currentTimeMillis())).isPresent();

        watches.onEvent(DirectoryProtocol.EVENT_LEAVE, 7, 102, fx(1));
        assertThat(cache.get(fx(1).record().address(), System.currentTimeMillis())).isEmpty();
    }

    @Test
    void aRenewalAfterARestartSubscribesAgainAndTellsTheDifference() {
        backbone.reply(records(watchSnapshot(7, 100), fx(1)));
        Watch watch = watches.watch(Query.CAPABILITY, "fx.rate", listener).join();
        backbone.reply(records(watchSnapshot(1, 5), fx(2)));

        watches.backboneRestarted();
        watches.onEvent(DirectoryProtocol.EVENT_LEAVE, 1, 6, fx(2));

        assertThat(watch.id()).isEqualTo(1);
        assertThat(listener.heard).containsExactly("joined fx#1", "updated fx#2", "left fx#2");
        // A restarted backbone numbers subscriptions afresh: old id 7 may be anyone's now, so it is left alone.
        assertThat(backbone.requests).hasSize(2);
    }

    @Test
    void aRenewalAfterAnOutageEndsTheOldSubscriptionOnTheSameBackbone() {
        backbone.reply(records(watchSnapshot(7, 100), fx(1)));
        Watch watch = watches.watch(Query.CAPABILITY, "fx.rate", listener).join();
        backbone.reply(records(watchSnapshot(9, 120), fx(1))).reply(DirectoryProtocol.ok());

        watches.reconnected();

        assertThat(watch.id()).isEqualTo(9);
        assertThat(backbone.op(1)).isEqualTo(DirectoryProtocol.OP_WATCH_FROM);
        BinaryReader unwatch = new BinaryReader(backbone.requests.get(2));
        assertThat(unwatch.u8()).isEqualTo(DirectoryProtocol.OP_UNWATCH);
        assertThat(unwatch.u32()).isEqualTo(7);
        assertThat(listener.heard).as("nothing changed meanwhile").containsExactly("joined fx#1");
    }

    @Test
    void aRenewalThatFailedIsTriedAgainAfterTheNextHeartbeatAndNotMore() {
        backbone.reply(records(watchSnapshot(7, 100), fx(1)));
        Watch watch = watches.watch(Query.CAPABILITY, "fx.rate", listener).join();
        // Another backbone took over (a restart, as the client sees it) but was too busy to answer the renewal.
        backbone.fail(new TimeoutException("the backbone did not answer within 2000 ms"));
        watches.backboneRestarted();
        assertThat(watch.id()).as("still the old subscription").isEqualTo(7);

        backbone.reply(records(watchSnapshot(2, 300), fx(4)));
        watches.renewStuck();

        assertThat(backbone.op(2)).isEqualTo(DirectoryProtocol.OP_WATCH_FROM);
        assertThat(watch.id()).isEqualTo(2);
        assertThat(listener.heard).containsExactly("joined fx#1", "updated fx#4");
        watches.renewStuck();
        // Renewed once; and old id 7 is not ended: the backbone that restarted may have given it to another watch.
        assertThat(backbone.requests).hasSize(3);
    }

    @Test
    void closingSendsUnwatchWithTheCurrentId() {
        backbone.reply(records(watchSnapshot(7, 100)));
        Watch watch = watches.watch(Query.ALL, "", listener).join();
        backbone.reply(DirectoryProtocol.ok());

        watches.close(watch);
        watches.onEvent(DirectoryProtocol.EVENT_JOIN, 7, 101, fx(1));

        BinaryReader unwatch = new BinaryReader(backbone.requests.get(1));
        assertThat(unwatch.u8()).isEqualTo(DirectoryProtocol.OP_UNWATCH);
        assertThat(unwatch.u32()).isEqualTo(7);
        assertThat(listener.heard).as("a closed watch hears nothing").isEmpty();
    }

    @Test
    void aBackboneOfAnotherEpochThatLacksANodeKeepsItForTheGraceEvenThroughAnotherSnapshot() {
        backbone.reply(records(watchSnapshot(7, 100), fx(1), papers));
        Watch watch = watches.watch(Query.CAPABILITY, "fx.rate", listener).join();
        watches.restartGrace(60_000);

        // Restarted empty: only papers registered again so far.
        backbone.reply(records(watchSnapshot(1, 3, 0x0bbe), papers));
        watches.backboneRestarted();
        // Back in touch with the same new backbone: a snapshot again, fx still not there.
        backbone.reply(records(watchSnapshot(2, 4, 0x0bbe), papers))
                .reply(DirectoryProtocol.ok());
        watches.reconnected();
        watches.endMissing();

        assertThat(listener.heard).containsExactly("joined fx#1", "joined papers#1");
        assertThat(watch.keepsMissing(fx(1).record().address())).isTrue();
        watches.onEvent(DirectoryProtocol.EVENT_JOIN, 2, 5, fx(2), 4);
        assertThat(listener.heard).containsExactly("joined fx#1", "joined papers#1", "updated fx#2");
    }

    @Test
    void aNodeKeptWhileMissingIsHeardToLeaveWhenTheGraceEndsWithoutAHeartbeat() {
        backbone.reply(records(watchSnapshot(7, 100), fx(1), papers));
        watches.watch(Query.CAPABILITY, "fx.rate", listener).join();
        watches.restartGrace(50);

        backbone.reply(records(watchSnapshot(1, 3, 0x0bbe), papers));
        watches.backboneRestarted();

        await().atMost(10, TimeUnit.SECONDS).until(() -> listener.heard.contains("left fx#1"));
        assertThat(listener.heard).containsExactly("joined fx#1", "joined papers#1", "left fx#1");
    }

    @Test
    void aSnapshotOfTheSameEpochIsTheWholeTruth() {
        backbone.reply(records(watchSnapshot(7, 100), fx(1), papers));
        watches.watch(Query.CAPABILITY, "fx.rate", listener).join();
        watches.restartGrace(60_000);

        // The same backbone, whose history does not reach back: fx really left.
        backbone.reply(records(watchSnapshot(8, 900), papers)).reply(DirectoryProtocol.ok());
        watches.reconnected();

        assertThat(listener.heard).containsExactly("joined fx#1", "joined papers#1", "left fx#1");
    }
}

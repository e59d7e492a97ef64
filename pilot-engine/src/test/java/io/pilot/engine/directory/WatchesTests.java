package io.pilot.engine.directory;

import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.identity.Identity;

import org.junit.jupiter.api.Test;

import static io.pilot.engine.directory.FakeBackbone.records;
import static org.assertj.core.api.Assertions.assertThat;

class WatchesTests {

    private final FakeBackbone backbone = new FakeBackbone();
    private final RecordCache cache = new RecordCache();
    private final Watches watches = new Watches(backbone, new Lookups(backbone, cache, 0), cache);
    private final RecordingListener listener = new RecordingListener();
    private final Identity fxIdentity = Records.identity();

    private SignedRecord fx(long sequence) {
        return Records.signed(fxIdentity, "fx", "fx.rate", sequence);
    }

    @Test
    void aWatchHearsItsSnapshotThenItsEvents() {
        backbone.reply(records(DirectoryProtocol.ok().u32(7).u64(100), fx(1)));
        watches.watch(Query.CAPABILITY, "fx.rate", listener).join();

        watches.onEvent(DirectoryProtocol.EVENT_UPDATE, 7, 101, fx(2));
        watches.onEvent(DirectoryProtocol.EVENT_UPDATE, 8, 102, fx(3)); // another subscription

        assertThat(backbone.op(0)).isEqualTo(DirectoryProtocol.OP_WATCH);
        assertThat(listener.heard).containsExactly("joined fx#1", "updated fx#2");
    }

    @Test
    void eventsThatOvertakeTheWatchReplyAreAppliedOnceItArrives() {
        watches.onEvent(DirectoryProtocol.EVENT_UPDATE, 7, 101, fx(2));
        backbone.reply(records(DirectoryProtocol.ok().u32(7).u64(100), fx(1)));

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
        backbone.reply(records(DirectoryProtocol.ok().u32(7).u64(100), fx(1)));
        Watch watch = watches.watch(Query.CAPABILITY, "fx.rate", listener).join();
        backbone.reply(records(DirectoryProtocol.ok().u32(1).u64(5), fx(2)));

        watches.backboneRestarted();
        watches.onEvent(DirectoryProtocol.EVENT_LEAVE, 1, 6, fx(2));

        assertThat(watch.id()).isEqualTo(1);
        assertThat(listener.heard).containsExactly("joined fx#1", "updated fx#2", "left fx#2");
        // A restarted backbone numbers subscriptions afresh: old id 7 may be anyone's now, so it is left alone.
        assertThat(backbone.requests).hasSize(2);
    }

    @Test
    void aRenewalAfterAnOutageEndsTheOldSubscriptionOnTheSameBackbone() {
        backbone.reply(records(DirectoryProtocol.ok().u32(7).u64(100), fx(1)));
        Watch watch = watches.watch(Query.CAPABILITY, "fx.rate", listener).join();
        backbone.reply(records(DirectoryProtocol.ok().u32(9).u64(120), fx(1))).reply(DirectoryProtocol.ok());

        watches.reconnected();

        assertThat(watch.id()).isEqualTo(9);
        assertThat(backbone.op(1)).isEqualTo(DirectoryProtocol.OP_WATCH);
        BinaryReader unwatch = new BinaryReader(backbone.requests.get(2));
        assertThat(unwatch.u8()).isEqualTo(DirectoryProtocol.OP_UNWATCH);
        assertThat(unwatch.u32()).isEqualTo(7);
        assertThat(listener.heard).as("nothing changed meanwhile").containsExactly("joined fx#1");
    }

    @Test
    void closingSendsUnwatchWithTheCurrentId() {
        backbone.reply(records(DirectoryProtocol.ok().u32(7).u64(100)));
        Watch watch = watches.watch(Query.ALL, "", listener).join();
        backbone.reply(DirectoryProtocol.ok());

        watches.close(watch);
        watches.onEvent(DirectoryProtocol.EVENT_JOIN, 7, 101, fx(1));

        BinaryReader unwatch = new BinaryReader(backbone.requests.get(1));
        assertThat(unwatch.u8()).isEqualTo(DirectoryProtocol.OP_UNWATCH);
        assertThat(unwatch.u32()).isEqualTo(7);
        assertThat(listener.heard).as("a closed watch hears nothing").isEmpty();
    }
}

package io.pilot.engine.directory;

import static io.pilot.engine.directory.FakeBackbone.records;
import static io.pilot.engine.directory.FakeBackbone.watchSnapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;
import org.junit.jupiter.api.Test;

/**
 * What the backbone pushes, read by {@link BackboneEvents}: well-formed events reach the watch, and events from anyone
 * else or with revisions that cannot be (negative as read, not after the one they follow) are dropped, changing
 * nothing.
 */
class BackboneEventsTests {

    private static final PilotAddress BACKBONE = new PilotAddress(0, 0x0bbe);
    private static final PilotAddress STRANGER = new PilotAddress(0, 0x5ee);

    private final FakeBackbone backbone = new FakeBackbone();
    private final RecordCache cache = new RecordCache();
    private final Watches watches = new Watches(backbone, new Lookups(backbone, cache, 0), cache, DirectoryTimer.TIMER);
    private final BackboneEvents events = new BackboneEvents(BACKBONE::equals, watches, null);
    private final RecordingListener listener = new RecordingListener();
    private final Identity fxIdentity = Records.identity();

    private SignedRecord fx(long sequence) {
        return Records.signed(fxIdentity, "fx", "fx.rate", sequence);
    }

    private void push(PilotAddress from, BinaryWriter event) {
        events.handle(new IncomingMessage(from, null, DirectoryProtocol.EVENTS_PORT, Message.of(event.toBytes()), false));
    }

    private BinaryWriter update(long revision, SignedRecord record) {
        return new BinaryWriter().u8(DirectoryProtocol.EVENT_UPDATE).u32(7).u64(revision).bytes16(record.toBytes());
    }

    @Test
    void eventsThatCannotBeAreDroppedAndTheWatchGoesOnInOrder() {
        backbone.reply(records(watchSnapshot(7, 100), fx(1)));
        watches.watch(Query.CAPABILITY, "fx.rate", listener).join();

        push(STRANGER, update(101, fx(2)).u64(100)); // not the backbone
        push(BACKBONE, update(101, fx(2)).u64(-5)); // previous past 2^63: would pass for long delivered
        push(BACKBONE, update(101, fx(2)).u64(-1)); // previous 2^64 - 1: would pass for "not chained"
        push(BACKBONE, update(101, fx(2)).u64(150)); // follows a later one
        push(BACKBONE, update(-7, fx(2)).u64(100)); // revision past 2^63
        push(BACKBONE, update(0, fx(2))); // revisions start at 1
        push(BACKBONE, update(101, fx(2)).u64(100).u8(0)); // a byte too many
        assertThat(listener.heard()).as("the snapshot, and nothing of what could not be").containsExactly("joined fx#1");

        push(BACKBONE, update(101, fx(2)).u64(100));
        // Another node's change at the same revision (a reload, an expired lease's deletes) names that revision.
        push(BACKBONE, new BinaryWriter().u8(DirectoryProtocol.EVENT_JOIN).u32(7).u64(101)
                .bytes16(Records.signed(Records.identity(), "fx-2", "fx.rate", 1).toBytes()).u64(101));
        push(BACKBONE, update(102, fx(3))); // an old WATCH's event names none before it
        assertThat(listener.heard()).containsExactly("joined fx#1", "updated fx#2", "joined fx-2#1", "updated fx#3");
    }
}

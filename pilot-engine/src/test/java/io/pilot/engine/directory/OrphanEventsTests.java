package io.pilot.engine.directory;

import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.identity.Identity;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OrphanEventsTests {

    private final OrphanEvents orphans = new OrphanEvents();
    private final RecordingListener listener = new RecordingListener();
    private final Identity identity = Records.identity();

    private NodeRecord fx(long sequence) {
        return Records.signed(identity, "fx", "fx.rate", sequence).record();
    }

    private Watch watch(int subscription) {
        Watch watch = new Watch(Query.ALL, "", listener, (check, delay) -> { });
        watch.start(subscription, 100, 0, List.of());
        return watch;
    }

    @Test
    void eventsHeldForASubscriptionGoToItsWatchOnce() {
        orphans.hold(7, DirectoryProtocol.EVENT_JOIN, 101, fx(1), Watch.NOT_CHAINED, 0, false);
        orphans.hold(7, DirectoryProtocol.EVENT_UPDATE, 102, fx(2), Watch.NOT_CHAINED, 0, false);
        orphans.hold(8, DirectoryProtocol.EVENT_LEAVE, 103, fx(2), Watch.NOT_CHAINED, 0, false);

        Watch watch = watch(7);
        orphans.release(watch);
        orphans.release(watch);

        assertThat(listener.heard).containsExactly("joined fx#1", "updated fx#2");
    }

    @Test
    void eventsOlderThanTheirAgeLimitAreDropped() {
        orphans.hold(7, DirectoryProtocol.EVENT_JOIN, 101, fx(1), Watch.NOT_CHAINED, 0, false);
        orphans.hold(9, DirectoryProtocol.EVENT_JOIN, 102, fx(2), Watch.NOT_CHAINED, OrphanEvents.MAX_AGE_MILLIS + 1, false);

        orphans.release(watch(7));

        assertThat(listener.heard).isEmpty();
    }

    @Test
    void whileAWatchsReplyIsOnItsWayNothingIsDroppedForItsAge() {
        orphans.hold(7, DirectoryProtocol.EVENT_JOIN, 101, fx(1), Watch.NOT_CHAINED, 0, false);
        orphans.hold(9, DirectoryProtocol.EVENT_JOIN, 102, fx(2), Watch.NOT_CHAINED, OrphanEvents.MAX_AGE_MILLIS + 1, true);

        orphans.release(watch(7));

        assertThat(listener.heard).containsExactly("joined fx#1");
    }

    @Test
    void atMostTheLimitIsHeld() {
        for (int i = 0; i < OrphanEvents.MAX_HELD + 5; i++) {
            orphans.hold(7, DirectoryProtocol.EVENT_UPDATE, 101 + i, fx(1 + i), Watch.NOT_CHAINED, 0, false);
        }

        orphans.release(watch(7));

        assertThat(listener.heard).hasSize(OrphanEvents.MAX_HELD);
    }
}

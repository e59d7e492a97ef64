package io.pilot.engine.directory;

import static io.pilot.engine.directory.FakeBackbone.records;
import static io.pilot.engine.directory.FakeBackbone.watchSnapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.PilotException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Query results kept by watches, against a backbone that answers from a script and records every request. */
class LiveQueriesTests {

    private final FakeBackbone backbone = new FakeBackbone();
    private final RecordCache cache = new RecordCache();
    private final Lookups lookups = new Lookups(backbone, cache, 0);
    private final Watches watches = new Watches(backbone, lookups, cache, DirectoryTimer.TIMER);
    private final Identity fxIdentity = Records.identity();
    private final Identity otherIdentity = Records.identity();

    private SignedRecord fx(long sequence) {
        return Records.signed(fxIdentity, "fx", "fx.rate", sequence);
    }

    @Test
    void theFirstUseOpensAWatchAndLaterUsesAskTheBackboneNothing() {
        LiveQueries live = new LiveQueries(watches, lookups, 4);
        backbone.reply(records(watchSnapshot(7, 100), fx(1)));

        for (int i = 0; i < 100; i++) {
            assertThat(live.records(Query.CAPABILITY, "fx.rate").join()).extracting(NodeRecord::hostname).containsExactly("fx");
        }

        assertThat(backbone.requests).hasSize(1);
        assertThat(backbone.op(0)).isEqualTo(DirectoryProtocol.OP_WATCH_FROM);
    }

    @Test
    void manyThreadsReadingAWatchedQueryAtOnceAreAllAnsweredFromItsOneWatch() throws Exception {
        LiveQueries live = new LiveQueries(watches, lookups, 4);
        backbone.reply(records(watchSnapshot(7, 100), fx(1)));
        live.records(Query.CAPABILITY, "fx.rate").join();
        ExecutorService readers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Long>> answered = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                answered.add(readers.submit(() -> {
                    long right = 0;
                    for (int i = 0; i < 10_000; i++) {
                        List<NodeRecord> providers = live.records(Query.CAPABILITY, "fx.rate").join();
                        if (providers.size() == 1 && providers.get(0).hostname().equals("fx")) {
                            right++;
                        }
                    }
                    return right;
                }));
            }
            for (Future<Long> reader : answered) {
                assertThat(reader.get(60, TimeUnit.SECONDS)).isEqualTo(10_000L);
            }
        } finally {
            readers.shutdownNow();
        }
        assertThat(live.size()).isOne();
        assertThat(backbone.requests).as("one watch, opened by the first use").hasSize(1);
    }

    @Test
    void joinsUpdatesAndLeavesArriveByPush() {
        LiveQueries live = new LiveQueries(watches, lookups, 4);
        backbone.reply(records(watchSnapshot(7, 100), fx(1)));
        live.records(Query.CAPABILITY, "fx.rate").join();
        SignedRecord other = Records.signed(otherIdentity, "fx-2", "fx.rate", 1);

        watches.onEvent(DirectoryProtocol.EVENT_JOIN, 7, 101, other);
        assertThat(live.records(Query.CAPABILITY, "fx.rate").join()).extracting(NodeRecord::hostname)
                .containsExactlyInAnyOrder("fx", "fx-2");

        watches.onEvent(DirectoryProtocol.EVENT_UPDATE, 7, 102, fx(2));
        watches.onEvent(DirectoryProtocol.EVENT_LEAVE, 7, 103, other);
        assertThat(live.records(Query.CAPABILITY, "fx.rate").join()).extracting(NodeRecord::sequence).containsExactly(2L);

        // An event older than one applied (they travel on separate streams) changes nothing.
        watches.onEvent(DirectoryProtocol.EVENT_JOIN, 7, 101, other);
        assertThat(live.records(Query.CAPABILITY, "fx.rate").join()).extracting(NodeRecord::hostname).containsExactly("fx");
        assertThat(backbone.requests).hasSize(1);
    }

    @Test
    void aWatchThatCannotBeOpenedFallsBackToALookupAndIsNotRetriedAtOnce() {
        LiveQueries live = new LiveQueries(watches, lookups, 4);
        backbone.fail(new PilotException(ErrorCode.TIMEOUT, "the backbone did not answer"))
                .reply(records(DirectoryProtocol.ok(), fx(1)))
                .reply(records(DirectoryProtocol.ok(), fx(1)));

        assertThat(live.records(Query.CAPABILITY, "fx.rate").join()).extracting(NodeRecord::hostname).containsExactly("fx");
        assertThat(live.records(Query.CAPABILITY, "fx.rate").join()).extracting(NodeRecord::hostname).containsExactly("fx");

        assertThat(backbone.requests).hasSize(3);
        assertThat(backbone.op(0)).isEqualTo(DirectoryProtocol.OP_WATCH_FROM);
        assertThat(backbone.op(1)).as("within the retry interval: looked up").isEqualTo(DirectoryProtocol.OP_LOOKUP);
        assertThat(backbone.op(2)).isEqualTo(DirectoryProtocol.OP_LOOKUP);
    }

    @Test
    void theLeastRecentlyUsedWatchIsClosedToMakeRoom() {
        LiveQueries live = new LiveQueries(watches, lookups, 2);
        backbone.reply(records(watchSnapshot(1, 100)))
                .reply(records(watchSnapshot(2, 100)));
        live.records(Query.CAPABILITY, "a").join();
        live.records(Query.CAPABILITY, "b").join();
        live.records(Query.CAPABILITY, "a").join(); // b is now the least recently used
        backbone.reply(DirectoryProtocol.ok()).reply(records(watchSnapshot(3, 100)));

        live.records(Query.CAPABILITY, "c").join();

        assertThat(live.size()).isEqualTo(2);
        BinaryReader unwatch = new BinaryReader(backbone.requests.get(2));
        assertThat(unwatch.u8()).isEqualTo(DirectoryProtocol.OP_UNWATCH);
        assertThat(unwatch.u32()).as("b's subscription").isEqualTo(2);
        live.records(Query.CAPABILITY, "a").join();
        assertThat(backbone.requests).as("a is still watched").hasSize(4);
    }

    @Test
    void withNoRoomEveryQueryIsALookup() {
        LiveQueries live = new LiveQueries(watches, lookups, 0);
        backbone.reply(records(DirectoryProtocol.ok(), fx(1))).reply(records(DirectoryProtocol.ok(), fx(1)));

        live.records(Query.CAPABILITY, "fx.rate").join();
        live.records(Query.CAPABILITY, "fx.rate").join();

        assertThat(backbone.requests).hasSize(2).allSatisfy(r -> assertThat(r[0] & 0xFF).isEqualTo(DirectoryProtocol.OP_LOOKUP));
    }

    @Test
    void closedItForgetsItsWatchesWithoutAWordAndLooksUpAfterwards() {
        LiveQueries live = new LiveQueries(watches, lookups, 4);
        backbone.reply(records(watchSnapshot(7, 100), fx(1)));
        live.records(Query.CAPABILITY, "fx.rate").join();

        live.close();
        watches.onEvent(DirectoryProtocol.EVENT_LEAVE, 7, 101, fx(1)); // no watch hears it now
        backbone.reply(records(DirectoryProtocol.ok(), fx(1)));

        assertThat(live.records(Query.CAPABILITY, "fx.rate").join()).hasSize(1);
        assertThat(backbone.requests).hasSize(2);
        assertThat(backbone.op(1)).isEqualTo(DirectoryProtocol.OP_LOOKUP);
        assertThat(live.size()).isZero();
    }
}

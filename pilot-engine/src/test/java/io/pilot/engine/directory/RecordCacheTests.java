package io.pilot.engine.directory;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.identity.Identity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordCacheTests {

    private static final long LATER = System.currentTimeMillis() + 3_600_000;

    private final List<NodeRecord> moved = new ArrayList<>();
    private final RecordCache cache = new RecordCache(moved::add);
    private final Identity fx = Records.identity();

    private SignedRecord fx(long sequence, int port) {
        return Records.signed(fx, 0, "fx", "fx.rate", sequence, LATER, port);
    }

    @Test
    void anAddressMatchesInAnyFormItParsesFrom() {
        NodeRecord record = fx(1, 7000).record();
        String canonical = record.address().toString();
        String withZeros = "00" + canonical;
        assertThat(RecordCache.matches(record, DirectoryProtocol.Query.ADDRESS, canonical)).isTrue();
        assertThat(RecordCache.matches(record, DirectoryProtocol.Query.ADDRESS, canonical.toLowerCase())).isTrue();
        assertThat(RecordCache.matches(record, DirectoryProtocol.Query.ADDRESS, withZeros)).as(withZeros).isTrue();
        assertThat(RecordCache.matches(record, DirectoryProtocol.Query.ADDRESS, "not an address")).isFalse();
        assertThat(RecordCache.matches(record, DirectoryProtocol.Query.ADDRESS,
                Records.identity().publicKey().address(0).toString())).isFalse();
    }

    @Test
    void aNodeThatPublishesOtherEndpointsIsToldOfOnceAndOnlyThen() {
        cache.put(fx(1, 7000));
        assertThat(moved).as("first sight: nothing moved").isEmpty();
        cache.put(fx(2, 7000));
        assertThat(moved).as("a newer record at the same endpoints").isEmpty();
        cache.put(fx(3, 7001));
        assertThat(moved).extracting(NodeRecord::sequence).containsExactly(3L);
        cache.put(fx(2, 7005));
        assertThat(moved).as("an older record changes nothing").hasSize(1);
        assertThat(cache.get(fx(3, 7001).record().address(), System.currentTimeMillis()).orElseThrow().sequence())
                .isEqualTo(3);
    }

    @Test
    void aNodeThatLeftAndCameBackElsewhereIsToldOf() {
        cache.put(fx(1, 7000));
        cache.remove(fx(1, 7000).record()); // deregistered: a restart
        cache.put(fx(2, 7002));
        assertThat(moved).extracting(NodeRecord::sequence).containsExactly(2L);

        cache.remove(fx(2, 7002).record());
        cache.put(fx(3, 7002)); // back where it was: nothing moved
        assertThat(moved).hasSize(1);
    }

    @Test
    void onlyTheLatestLeaversAreRemembered() {
        List<Identity> nodes = new ArrayList<>();
        for (int i = 0; i <= RecordCache.MAX_LEFT; i++) {
            Identity node = Records.identity();
            nodes.add(node);
            SignedRecord record = Records.signed(node, 0, "n" + i, "c", 1, LATER, 7000);
            cache.put(record);
            cache.remove(record.record());
        }
        cache.put(Records.signed(nodes.get(0), 0, "n0", "c", 2, LATER, 7001)); // forgotten: first sight again
        assertThat(moved).isEmpty();
        cache.put(Records.signed(nodes.get(1), 0, "n1", "c", 2, LATER, 7001));
        assertThat(moved).hasSize(1);
    }
}

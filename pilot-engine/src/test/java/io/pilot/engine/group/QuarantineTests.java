package io.pilot.engine.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.TestNodes;
import io.pilot.engine.directory.Endpoint;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.identity.NodeKey;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/** Setting failed providers aside, on made-up records and a made-up clock. */
class QuarantineTests {

    private static final long SECOND = 1_000_000_000L;

    private final Quarantine quarantine = new Quarantine(Duration.ofSeconds(30));
    private final NodeKey key = TestNodes.newIdentity().publicKey();

    @Test
    void aFailedProviderIsHeldUntilItsTimeIsUp() {
        quarantine.add(record(key, 5), 0);

        assertThat(quarantine.holds(record(key, 5), 29 * SECOND)).isTrue();
        assertThat(quarantine.holds(record(key, 5), 30 * SECOND)).isFalse();
        assertThat(quarantine.holds(record(key, 5), 31 * SECOND)).as("and stays released").isFalse();
    }

    @Test
    void aNewerRecordReleasesItAtOnce() {
        quarantine.add(record(key, 5), 0);

        assertThat(quarantine.holds(record(key, 6), SECOND)).isFalse();
        assertThat(quarantine.holds(record(key, 5), SECOND)).as("released, not only hidden").isFalse();
    }

    @Test
    void anAnswerReleasesItAndOthersAreNeverHeld() {
        quarantine.add(record(key, 5), 0);
        NodeKey other = TestNodes.newIdentity().publicKey();

        assertThat(quarantine.holds(record(other, 1), SECOND)).isFalse();
        quarantine.release(record(key, 5).address());
        assertThat(quarantine.holds(record(key, 5), SECOND)).isFalse();
    }

    @Test
    void aZeroQuarantineHoldsNothingAndANegativeOneIsRefused() {
        Quarantine none = new Quarantine(Duration.ZERO);
        none.add(record(key, 5), 0);

        assertThat(none.holds(record(key, 5), 0)).isFalse();
        assertThatThrownBy(() -> new Quarantine(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    private static NodeRecord record(NodeKey key, long sequence) {
        return new NodeRecord(0, key, "fx", List.of(), new TreeSet<>(),
                List.of(new Endpoint(Endpoint.Kind.LOCAL, new InetSocketAddress("127.0.0.1", 7400))), sequence,
                Long.MAX_VALUE);
    }
}

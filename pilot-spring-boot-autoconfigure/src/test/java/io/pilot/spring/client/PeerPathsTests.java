package io.pilot.spring.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.address.PilotAddress;
import io.pilot.spring.observation.PilotPath;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class PeerPathsTests {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private static final PilotAddress PEER = PilotAddress.parse("0:0000.0000.0001");

    private final Map<PilotAddress, PilotPath> node = new ConcurrentHashMap<>();
    private final AtomicInteger reads = new AtomicInteger();
    private final PeerPaths paths = new PeerPaths(peer -> {
        reads.incrementAndGet();
        return node.getOrDefault(peer, PilotPath.UNKNOWN);
    }, Duration.ofSeconds(1));

    @Test
    void aKnownPathIsReadAtMostOncePerInterval() {
        node.put(PEER, PilotPath.DIRECT);
        assertThat(paths.of(PEER, 0)).isEqualTo(PilotPath.DIRECT);
        node.put(PEER, PilotPath.RELAYED);

        assertThat(paths.of(PEER, SECOND - 1)).isEqualTo(PilotPath.DIRECT);
        assertThat(reads).hasValue(1);
        assertThat(paths.of(PEER, SECOND)).isEqualTo(PilotPath.RELAYED);
        assertThat(reads).hasValue(2);
    }

    @Test
    void anUnknownPathIsReadAgainByTheNextCall() {
        assertThat(paths.of(PEER, 0)).isEqualTo(PilotPath.UNKNOWN);
        node.put(PEER, PilotPath.DIRECT);
        assertThat(paths.of(PEER, 1)).isEqualTo(PilotPath.DIRECT);
        assertThat(reads).hasValue(2);
    }

    @Test
    void noAddressIsUnknownWithoutAskingTheNode() {
        assertThat(paths.of(null, 0)).isEqualTo(PilotPath.UNKNOWN);
        assertThat(reads).hasValue(0);
    }

    @Test
    void pastTheBoundEverythingIsReadAfresh() {
        for (int i = 0; i < PeerPaths.MAX_PEERS; i++) {
            PilotAddress peer = PilotAddress.parse(String.format("0:0000.0001.%04X", i));
            node.put(peer, PilotPath.DIRECT);
            paths.of(peer, 0);
        }
        node.put(PEER, PilotPath.DIRECT);
        paths.of(PEER, 0); // the bound is reached: what was known is forgotten
        int before = reads.get();
        paths.of(PilotAddress.parse("0:0000.0001.0000"), 1);
        assertThat(reads).hasValue(before + 1);
        paths.of(PEER, 1);
        assertThat(reads).hasValue(before + 1);
    }
}

package io.pilot.engine.session;

import io.pilot.engine.address.PilotAddress;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

class RespondersTests {

    private final IndexTable indexes = new IndexTable(new SecureRandom());
    private final Route from = Route.direct(new InetSocketAddress("127.0.0.1", 4000));
    private final Route relayed = Route.relayed(new PilotAddress(0, 42));
    private int nextSenderIndex = 1;

    private Responder answered(Route route, long at) {
        return new Responder(indexes.allocate(), nextSenderIndex++, route, null, new byte[0], at);
    }

    @Test
    void aRepeatedInitiationFindsItsAnswerAndTheIndexRoutesToIt() {
        Responders responders = new Responders(indexes, 16);
        Responder responder = new Responder(indexes.allocate(), 77, from, null, new byte[0], 0);
        responders.add(responder, 0);

        assertThat(responders.get(from, 77)).isSameAs(responder);
        Route sameEndpointAgain = Route.direct(new InetSocketAddress(from.direct().getAddress(), from.direct().getPort()));
        assertThat(responders.get(sameEndpointAgain, 77)).as("each datagram comes with a Route of its own").isSameAs(responder);
        Route otherPort = Route.direct(new InetSocketAddress(from.direct().getAddress(), from.direct().getPort() + 1));
        assertThat(responders.get(otherPort, 77)).as("another socket on the same host").isNull();
        assertThat(responders.get(from, 78)).as("another initiator behind the same NAT").isNull();
        assertThat(responders.get(relayed, 77)).as("the same index through the relay is another initiation").isNull();
        assertThat(indexes.get(responder.localIndex)).isSameAs(responder);

        responders.remove(responder);

        assertThat(responders.size()).isZero();
        assertThat(indexes.get(responder.localIndex)).isNull();
    }

    @Test
    void aLaneIsCrowdedOnceItHoldsAnEighthOfItsCapacity() {
        // 64 places: 8 for relayed initiations (crowded at 1), 56 for direct ones (crowded at 7).
        Responders responders = new Responders(indexes, 64);
        for (int i = 0; i < 6; i++) {
            responders.add(answered(from, 0), 0);
        }
        assertThat(responders.crowded(from, 0)).isFalse();
        assertThat(responders.crowded(relayed, 0)).isFalse();
        assertThat(responders.crowded(from, 1)).as("one INIT waiting for this lane takes its place").isTrue();

        responders.add(answered(from, 0), 0);
        assertThat(responders.crowded(from, 0)).isTrue();
        assertThat(responders.crowded(relayed, 0)).as("the lanes are apart").isFalse();

        responders.add(answered(relayed, 0), 0);
        assertThat(responders.crowded(relayed, 0)).isTrue();
    }

    @Test
    void aFullLaneDropsExpiredEntriesFirstThenItsOldestAndNeverTheOtherLane() {
        // 16 places: 2 relayed, 14 direct.
        Responders responders = new Responders(indexes, 16);
        Responder direct = answered(from, 0);
        responders.add(direct, 0);
        Responder oldest = answered(relayed, 0);
        Responder younger = answered(relayed, Responders.LIFETIME_NANOS / 2);
        responders.add(oldest, 0);
        responders.add(younger, Responders.LIFETIME_NANOS / 2);

        Responder third = answered(relayed, Responders.LIFETIME_NANOS - 1);
        assertThat(responders.add(third, Responders.LIFETIME_NANOS - 1)).as("a live one gave way").isTrue();
        assertThat(responders.relayedSize()).isEqualTo(2);
        assertThat(indexes.get(oldest.localIndex)).as("the oldest one's index is freed").isNull();
        assertThat(indexes.get(younger.localIndex)).isSameAs(younger);
        assertThat(indexes.get(direct.localIndex)).as("a relayed flood never evicts a direct handshake").isSameAs(direct);

        Responder fourth = answered(relayed, Responders.LIFETIME_NANOS * 2);
        assertThat(responders.add(fourth, Responders.LIFETIME_NANOS * 2)).as("expired ones made room").isFalse();
        assertThat(responders.relayedSize()).isOne();
    }

    @Test
    void expiryDropsOnlyWhatOutlivedItsLifetime() {
        Responders responders = new Responders(indexes, 10);
        responders.add(answered(from, 0), 0);
        Responder young = answered(from, 5);
        responders.add(young, 5);

        responders.expire(Responders.LIFETIME_NANOS + 4);

        assertThat(responders.size()).isOne();
        assertThat(responders.get(from, young.remoteIndex)).isSameAs(young);
        assertThat(indexes.size()).isOne();
    }

    @Test
    void expiryLooksAtTheOldestEndOfEachLaneOnlyNotTheWholeTable() {
        // A table kept full by a flood: 4,096 places, 3,584 direct and 512 relayed, every one taken.
        Responders responders = new Responders(indexes, 4096);
        for (int i = 0; i < 3584; i++) {
            responders.add(answered(from, i), i);
        }
        for (int i = 0; i < 512; i++) {
            responders.add(answered(relayed, i), i);
        }
        long before = responders.examined();

        for (int tick = 0; tick < 100; tick++) {
            responders.expire(tick);
        }
        assertThat(responders.examined() - before)
                .as("100 ticks with nothing expired look at the oldest entry of each lane once per tick")
                .isEqualTo(200);
        assertThat(responders.size()).isEqualTo(4096);

        // The ten oldest entries of each lane (made at 0..9 ns) have outlived their lifetime.
        before = responders.examined();
        responders.expire(Responders.LIFETIME_NANOS + 9);
        assertThat(responders.examined() - before).as("the expired ones and the oldest one alive, per lane")
                .isEqualTo(2 * (10 + 1));
        assertThat(responders.size()).isEqualTo(4096 - 2 * 10);
        assertThat(responders.relayedSize()).as("each lane expires its own").isEqualTo(512 - 10);
        assertThat(indexes.size()).as("their indexes are freed").isEqualTo(4096 - 2 * 10);
    }
}

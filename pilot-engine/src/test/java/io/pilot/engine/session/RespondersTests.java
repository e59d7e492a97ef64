package io.pilot.engine.session;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

class RespondersTests {

    private final IndexTable indexes = new IndexTable(new SecureRandom());
    private final Route from = Route.direct(new InetSocketAddress("127.0.0.1", 4000));

    private Responder answered(long at) {
        return new Responder(indexes.allocate(), 77, from, null, new byte[0], at);
    }

    @Test
    void aRepeatedInitiationFindsItsAnswerAndTheIndexRoutesToIt() {
        Responders responders = new Responders(indexes, 10);
        Responder responder = answered(0);
        responders.add(Responders.sourceKey(from, 77), responder);

        assertThat(responders.get(Responders.sourceKey(from, 77))).isSameAs(responder);
        assertThat(responders.get(Responders.sourceKey(from, 78))).as("another initiator behind the same NAT").isNull();
        assertThat(indexes.get(responder.localIndex)).isSameAs(responder);

        responders.remove(responder);

        assertThat(responders.size()).isZero();
        assertThat(indexes.get(responder.localIndex)).isNull();
    }

    @Test
    void aFullTableMakesRoomOnlyByExpiringOldEntries() {
        Responders responders = new Responders(indexes, 2);
        Responder old = answered(0);
        responders.add("a", old);
        responders.add("b", answered(Responders.LIFETIME_NANOS / 2));

        assertThat(responders.hasRoom(Responders.LIFETIME_NANOS - 1)).as("nothing old enough to drop").isFalse();
        assertThat(responders.hasRoom(Responders.LIFETIME_NANOS)).isTrue();
        assertThat(responders.size()).isOne();
        assertThat(indexes.get(old.localIndex)).as("the expired one's index is freed").isNull();
    }

    @Test
    void expiryDropsOnlyWhatOutlivedItsLifetime() {
        Responders responders = new Responders(indexes, 10);
        responders.add("a", answered(0));
        Responder young = answered(5);
        responders.add("b", young);

        responders.expire(Responders.LIFETIME_NANOS + 4);

        assertThat(responders.size()).isOne();
        assertThat(responders.get("b")).isSameAs(young);
        assertThat(indexes.size()).isOne();
    }
}

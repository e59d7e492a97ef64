package io.pilot.engine.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.pilot.engine.wire.WireFormat;

import org.junit.jupiter.api.Test;

/**
 * What the other end of a WebSocket said it takes in one frame: an end that said nothing, or nothing usable, gets
 * datagrams of the base size only (it may be one from before large datagrams, which closes the connection on a
 * longer frame); more than the largest datagram is taken as the largest.
 */
class StreamDatagramSizeTests {

    @Test
    void anEndThatSaysNothingGetsTheBaseSize() {
        EmbeddedChannel channel = new EmbeddedChannel();
        StreamDatagramSize.heard(channel, new DefaultHttpHeaders());

        assertThat(StreamDatagramSize.of(channel)).isEqualTo(WireFormat.MAX_RELAY_DATAGRAM);
    }

    @Test
    void anEndThatSaysWhatThisOneAnnouncesGetsTheLargestDatagram() {
        EmbeddedChannel channel = new EmbeddedChannel();
        HttpHeaders headers = new DefaultHttpHeaders();
        StreamDatagramSize.announce(headers);

        StreamDatagramSize.heard(channel, headers);

        assertThat(StreamDatagramSize.of(channel)).isEqualTo(WireFormat.MAX_LARGE_DATAGRAM);
    }

    @Test
    void aSizeBetweenTheBaseAndTheLargestIsKeptAndOneAboveIsCapped() {
        assertThat(heard("4000")).isEqualTo(4000);
        assertThat(heard("99999")).isEqualTo(WireFormat.MAX_LARGE_DATAGRAM);
    }

    @Test
    void junkAndSizesBelowTheBaseCountAsNothingSaid() {
        for (String junk : new String[] {"", "abc", "-5", "1e4", "12345678901", "100", "+4000", "0x1000"}) {
            assertThat(heard(junk)).as(junk).isEqualTo(WireFormat.MAX_RELAY_DATAGRAM);
        }
    }

    private static int heard(String value) {
        EmbeddedChannel channel = new EmbeddedChannel();
        StreamDatagramSize.heard(channel, new DefaultHttpHeaders().set(StreamDatagramSize.HEADER, value));
        return StreamDatagramSize.of(channel);
    }
}

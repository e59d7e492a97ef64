package io.pilot.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.wire.WireFormat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/** How many datagrams one GSO write takes, by the path's datagram size. */
class DatagramBatchTests {

    private static final InetSocketAddress TO = new InetSocketAddress("10.0.0.2", 4000);

    @Test
    void aWriteCarriesFortyEightBaseDatagramsButOnlyAsManyLargeOnesAsFitItsLimit() {
        assertThat(DatagramBatch.maxSegments(WireFormat.MAX_DATAGRAM)).isEqualTo(DatagramBatch.MAX_SEGMENTS);
        assertThat(DatagramBatch.maxSegments(WireFormat.MAX_RELAY_DATAGRAM)).isEqualTo(DatagramBatch.MAX_SEGMENTS);
        assertThat(DatagramBatch.maxSegments(WireFormat.MAX_LARGE_DATAGRAM)).isEqualTo(4);
        assertThat(DatagramBatch.maxSegments(8952)).isEqualTo(7);
        assertThat(DatagramBatch.maxSegments(70_000)).as("never none").isEqualTo(1);
    }

    @Test
    void largeDatagramsCloseTheBatchAtTheWriteLimitAndLeaveAsSegmentsOfTheirSize() {
        Peer bob = TestPeers.established(new PilotAddress(1, 3), null, 10);
        Keypair keys = new Keypair(11, 10, false, 0, bob, new byte[32], new byte[32]);
        DatagramBatch batch = DatagramBatch.forSealing(ByteBufAllocator.DEFAULT, TO, false, WireFormat.MAX_LARGE_DATAGRAM);
        int sealed = 0;
        while (!batch.isClosed()) {
            ByteBuffer plaintext = ByteBuffer.allocate(WireFormat.MAX_LARGE_DATA_PLAINTEXT);
            assertThat(batch.seal(keys, plaintext, null)).isEqualTo(WireFormat.MAX_LARGE_DATAGRAM);
            sealed++;
        }
        assertThat(sealed).isEqualTo(4);

        EmbeddedChannel channel = new EmbeddedChannel();
        batch.writeTo(channel);
        channel.flush();
        SegmentedDatagramPacket written = channel.readOutbound();
        assertThat(written.segmentSize()).isEqualTo(WireFormat.MAX_LARGE_DATAGRAM);
        assertThat(written.content().readableBytes()).isEqualTo(4 * WireFormat.MAX_LARGE_DATAGRAM)
                .isLessThanOrEqualTo(DatagramBatch.MAX_BATCH_BYTES);
        written.release();
        channel.finishAndReleaseAll();
    }
}

package io.pilot.engine.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.transport.Connection;
import io.pilot.engine.wire.DataPacket;
import io.pilot.engine.wire.RelayPacket;
import io.pilot.engine.wire.WireCodec;
import io.pilot.engine.wire.WireFormat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class DatagramWriterTests {

    private static final InetSocketAddress BOB_AT = new InetSocketAddress("10.0.0.2", 4000);
    private static final InetSocketAddress RELAY = new InetSocketAddress("10.0.0.1", 4000);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Paths paths = new Paths(channel, SessionSettings.DEFAULTS, new SecureRandom());
    private final DatagramWriter writer = new DatagramWriter(channel, paths, false);
    private final Peer bob = TestPeers.established(new PilotAddress(1, 3), null, 10);

    @AfterEach
    void releaseWhatWasSent() {
        channel.finishAndReleaseAll();
    }

    private static void ready(Connection connection, int bytes) {
        connection.openStream(9).write(ByteBuffer.allocate(bytes));
    }

    @Test
    void nothingReadyMeansNothingSent() {
        paths.setEndpoint(bob, BOB_AT);

        assertThat(writer.send(bob, bob.connection(), bob.current, 0)).isFalse();
        assertThat((Object) channel.readOutbound()).isNull();
    }

    @Test
    void sealsEveryReadyPacketToThePeerAndCountsTheBytes() {
        paths.setEndpoint(bob, BOB_AT);
        ready(bob.connection(), 3 * WireFormat.MAX_DATA_PLAINTEXT);

        assertThat(writer.send(bob, bob.connection(), bob.current, 0)).isTrue();
        channel.flush(); // the session engine flushes once for all the peers it sent to

        long total = 0;
        int full = 0;
        for (DatagramPacket packet; (packet = channel.readOutbound()) != null; ) {
            assertThat(packet.recipient()).isEqualTo(BOB_AT);
            assertThat((int) packet.content().getUnsignedByte(0)).isEqualTo(WireFormat.TYPE_DATA);
            total += packet.content().readableBytes();
            full += packet.content().readableBytes() == WireFormat.MAX_DATAGRAM ? 1 : 0;
            packet.release();
        }
        assertThat(full).as("stream data fills whole datagrams").isGreaterThanOrEqualTo(2);
        assertThat(bob.bytesOut()).isEqualTo(total);
    }

    @Test
    void withSegmentationOffloadARelayedPeersFullDatagramsGoToTheRelayAsOneSegmentedWrite() {
        DatagramWriter batching = new DatagramWriter(channel, paths, true);
        paths.useRelay(RELAY, new PilotAddress(1, 1));
        paths.takeRoute(bob, Route.relayed(bob.address()), null, 0);
        ready(bob.connection(), 3 * WireFormat.MAX_DATA_PLAINTEXT);

        assertThat(batching.send(bob, bob.connection(), bob.current, 0)).isTrue();
        channel.flush(); // the session engine flushes once for all the peers it sent to

        SegmentedDatagramPacket run = channel.readOutbound();
        assertThat(run.recipient()).isEqualTo(RELAY);
        assertThat(run.segmentSize()).isEqualTo(WireFormat.MAX_RELAY_DATAGRAM);
        ByteBuf content = run.content();
        int segments = 0;
        long sealed = 0;
        while (content.isReadable()) {
            ByteBuf segment = content.readSlice(Math.min(run.segmentSize(), content.readableBytes()));
            RelayPacket wrapped = (RelayPacket) WireCodec.decode(segment).packet();
            assertThat(wrapped.towardsRelay()).isTrue();
            assertThat(wrapped.address()).isEqualTo(bob.address());
            assertThat((int) wrapped.inner().getUnsignedByte(0)).isEqualTo(WireFormat.TYPE_DATA);
            sealed += wrapped.inner().readableBytes();
            wrapped.release();
            segments++;
        }
        run.release();
        assertThat(segments).as("stream data fills whole datagrams").isGreaterThanOrEqualTo(3);
        assertThat(bob.bytesOut()).as("the sealed datagrams, not the relay headers").isEqualTo(sealed);
        for (DatagramPacket rest; (rest = channel.readOutbound()) != null; ) {
            rest.release();
        }
    }

    @Test
    void aRelayedPeersDatagramsGoWrappedToTheRelay() {
        paths.useRelay(RELAY, new PilotAddress(1, 1));
        paths.takeRoute(bob, Route.relayed(bob.address()), null, 0);
        ready(bob.connection(), 100);

        assertThat(writer.send(bob, bob.connection(), bob.current, 0)).isTrue();
        channel.flush(); // the session engine flushes once for all the peers it sent to

        DatagramPacket packet = channel.readOutbound();
        assertThat(packet.recipient()).isEqualTo(RELAY);
        RelayPacket wrapped = (RelayPacket) WireCodec.decode(packet.content()).packet();
        assertThat(wrapped.towardsRelay()).isTrue();
        assertThat(wrapped.address()).isEqualTo(bob.address());
        assertThat((int) wrapped.inner().getUnsignedByte(0)).isEqualTo(WireFormat.TYPE_DATA);
        wrapped.release();
        packet.release();
    }

    @Test
    void fullDatagramsLeaveAsOneSegmentedWriteEachSegmentSealedInPlaceAndOpenable() {
        DatagramWriter offloading = new DatagramWriter(channel, paths, true);
        paths.setEndpoint(bob, BOB_AT);
        byte[] data = new byte[5 * WireFormat.MAX_DATA_PLAINTEXT];
        new Random(11).nextBytes(data);
        bob.connection().openStream(9).write(ByteBuffer.wrap(data));

        assertThat(offloading.send(bob, bob.connection(), bob.current, 0)).isTrue();
        channel.flush(); // the session engine flushes once for all the peers it sent to

        Object written = channel.readOutbound();
        assertThat(written).isInstanceOf(SegmentedDatagramPacket.class);
        SegmentedDatagramPacket batch = (SegmentedDatagramPacket) written;
        assertThat(batch.segmentSize()).isEqualTo(WireFormat.MAX_DATAGRAM);
        ByteBuf content = batch.content();
        assertThat(bob.bytesOut()).isEqualTo(content.readableBytes());
        // Every segment opens under the peer's keys (one key both ways here), in the order sealed.
        Keypair opener = new Keypair(11, 10, false, 0, bob, new byte[32], new byte[32]);
        ByteBuffer plaintext = ByteBuffer.allocate(WireFormat.MAX_DATAGRAM);
        int segments = 0;
        long counter = -1;
        for (int at = content.readerIndex(); at < content.writerIndex(); at += WireFormat.MAX_DATAGRAM, segments++) {
            int size = Math.min(WireFormat.MAX_DATAGRAM, content.writerIndex() - at);
            DataPacket packet = (DataPacket) WireCodec.decode(content.retainedSlice(at, size)).packet();
            assertThat(packet.counter()).as("counters in order").isGreaterThan(counter);
            counter = packet.counter();
            assertThat(opener.open(packet, plaintext)).as("segment %d", segments).isNull();
            packet.release();
        }
        assertThat(segments).as("the stream's data fills at least four whole segments").isGreaterThanOrEqualTo(4);
        batch.release();
        Object rest;
        while ((rest = channel.readOutbound()) != null) {
            ReferenceCountUtil.release(rest);
        }
    }
}

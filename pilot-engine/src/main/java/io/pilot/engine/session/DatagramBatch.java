package io.pilot.engine.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.transport.Connection;
import io.pilot.engine.wire.WireFormat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Full-size DATA datagrams to one peer sealed back to back into one buffer and handed to the kernel in a
 * single UDP generic segmentation offload write ({@code UDP_SEGMENT}): one system call for up to
 * {@value #MAX_SEGMENTS} datagrams instead of one each. Every segment is {@link WireFormat#MAX_DATAGRAM}
 * bytes except possibly the last.
 */
final class DatagramBatch {

    /** Keeps a batch under the 64 KiB a single UDP GSO write may carry. */
    static final int MAX_SEGMENTS = 48;

    private final ByteBuf buffer;
    private final InetSocketAddress recipient;
    private int segments;

    DatagramBatch(ByteBufAllocator allocator, InetSocketAddress recipient) {
        // Heap, not direct: the JDK seals fastest into arrays, in place; the channel copies the batch out in one go.
        this.buffer = allocator.heapBuffer(MAX_SEGMENTS * WireFormat.MAX_DATAGRAM);
        this.recipient = recipient;
    }

    /** Seals one packet, copied from {@code plaintext} (position to limit), into the batch; returns the datagram's size. */
    int append(Keypair keypair, ByteBuffer plaintext) {
        int before = buffer.writerIndex();
        keypair.seal(buffer, plaintext);
        segments++;
        return buffer.writerIndex() - before;
    }

    /**
     * Has {@code connection} write its next packet straight into the batch, where it is sealed in place (no
     * plaintext buffer, no copy); the batch must not be full.
     *
     * @return the datagram's size, or 0 if the connection had nothing to send
     */
    int appendNext(Connection connection, Keypair keypair, long now) {
        int start = buffer.writerIndex();
        // The buffer's own cached view of those bytes: nothing allocated per packet.
        ByteBuffer room = buffer.internalNioBuffer(start + WireFormat.DATA_HEADER_LENGTH, WireFormat.MAX_DATA_PLAINTEXT);
        int length = connection.poll(now, room);
        if (length <= 0) {
            return 0;
        }
        keypair.sealInPlace(buffer, start, length);
        segments++;
        return buffer.writerIndex() - start;
    }

    boolean isFull() {
        return segments == MAX_SEGMENTS;
    }

    void writeTo(Channel channel) {
        Object packet = segments == 1 ? new DatagramPacket(buffer, recipient)
                : new SegmentedDatagramPacket(buffer, WireFormat.MAX_DATAGRAM, recipient);
        channel.write(packet, channel.voidPromise());
    }
}

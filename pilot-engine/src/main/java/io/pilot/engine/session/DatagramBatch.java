package io.pilot.engine.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
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
        // Heap, not direct: the JDK seals fastest into arrays; the channel copies the batch out in one go.
        this.buffer = allocator.heapBuffer(MAX_SEGMENTS * WireFormat.MAX_DATAGRAM);
        this.recipient = recipient;
    }

    /** Seals one packet into the batch; returns the datagram's size. */
    int append(Keypair keypair, ByteBuffer plaintext) {
        int before = buffer.writerIndex();
        keypair.seal(buffer, plaintext);
        segments++;
        return buffer.writerIndex() - before;
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

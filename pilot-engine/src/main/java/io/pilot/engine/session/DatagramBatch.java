package io.pilot.engine.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.transport.Connection;
import io.pilot.engine.wire.RelayPacket;
import io.pilot.engine.wire.WireFormat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Datagrams to one recipient laid back to back into one buffer and handed to the kernel in a single UDP
 * generic segmentation offload write ({@code UDP_SEGMENT}): one system call for up to {@value #MAX_SEGMENTS}
 * datagrams instead of one each. The kernel cuts the buffer every segment size bytes, so every datagram but
 * the last must be exactly that long: a batch takes full-size datagrams until it {@linkplain #isClosed is
 * closed} by a shorter one or by the count (fewer for larger datagrams: a write carries at most
 * {@value #MAX_BATCH_BYTES} bytes).
 *
 * <p>Three kinds, by where they go: DATA sealed straight into the batch for a direct peer; DATA sealed behind a
 * RELAY header for a peer reached through the relay; and, at the relay, RELAYED datagrams passed on as they were
 * read (header rewritten in place), gathered without a copy as the pieces of a composite buffer. A relay header is as long in both directions, so both relayed kinds have segments of the relayed path's
 * datagram size: {@link WireFormat#MAX_RELAY_DATAGRAM} at the base, up to {@link WireFormat#MAX_LARGE_RELAY_DATAGRAM}
 * where the two ends found the way through the relay to carry more.
 */
final class DatagramBatch {

    /** The most datagrams in one batch (of the base size: 48 of them stay under the 64 KiB limit). */
    static final int MAX_SEGMENTS = 48;
    /** What one UDP GSO write may carry in all: the largest UDP payload over IPv4 (65535 - 20 - 8). */
    static final int MAX_BATCH_BYTES = 65_507;

    private final ByteBuf buffer;
    private final InetSocketAddress recipient;
    private final int segmentSize;
    private final int maxSegments;
    private int segments;
    private boolean closed;

    private DatagramBatch(ByteBuf buffer, InetSocketAddress recipient, int segmentSize, int maxSegments) {
        this.buffer = buffer;
        this.recipient = recipient;
        this.segmentSize = segmentSize;
        this.maxSegments = maxSegments;
    }

    /**
     * For DATA datagrams of {@code datagramSize} bytes (the path's full size) sealed into the batch, to a direct
     * peer ({@code relayed} false) or through the relay at {@code recipient}, each then behind a RELAY header. On the
     * heap: the JDK seals fastest into arrays; the channel copies the batch out in one go.
     */
    static DatagramBatch forSealing(ByteBufAllocator allocator, InetSocketAddress recipient, boolean relayed,
            int datagramSize) {
        int segmentSize = datagramSize + (relayed ? WireFormat.RELAY_HEADER_LENGTH : 0);
        int maxSegments = maxSegments(segmentSize);
        return new DatagramBatch(allocator.heapBuffer(maxSegments * segmentSize), recipient, segmentSize, maxSegments);
    }

    /**
     * For datagrams of {@code segmentSize} bytes (relay header included: the run's first) a relay passes on to the
     * node at {@code recipient}: not copied, but gathered as the components of one composite buffer, which the
     * channel hands the kernel as one segmented write of several pieces ({@code iovec}s).
     */
    static DatagramBatch forRelaying(ByteBufAllocator allocator, InetSocketAddress recipient, int segmentSize) {
        int maxSegments = maxSegments(segmentSize);
        return new DatagramBatch(allocator.compositeDirectBuffer(maxSegments), recipient, segmentSize, maxSegments);
    }

    /** As many segments of {@code segmentSize} as one write carries, at most {@link #MAX_SEGMENTS}. */
    static int maxSegments(int segmentSize) {
        return Math.max(1, Math.min(MAX_SEGMENTS, MAX_BATCH_BYTES / segmentSize));
    }

    InetSocketAddress recipient() {
        return recipient;
    }

    /** Every datagram but the last is this long; a shorter one ends the batch. */
    int segmentSize() {
        return segmentSize;
    }

    /** Seals one packet into the batch (behind a RELAY header naming {@code target}, if not null); returns the sealed datagram's size. */
    int seal(Keypair keypair, ByteBuffer plaintext, PilotAddress target) {
        int start = buffer.writerIndex();
        if (target != null) {
            RelayPacket.writeHeader(buffer, WireFormat.TYPE_RELAY, target);
        }
        int sealedAt = buffer.writerIndex();
        keypair.seal(buffer, plaintext);
        added(start);
        return buffer.writerIndex() - sealedAt;
    }

    /**
     * Has {@code connection} write its next packet straight into the batch, where it is sealed in place (no
     * plaintext buffer, no copy), behind a RELAY header naming {@code target} if not null; the batch must not be
     * closed.
     *
     * @return the sealed datagram's size, or 0 if the connection had nothing to send
     */
    int sealNext(Connection connection, Keypair keypair, long now, PilotAddress target) {
        int start = buffer.writerIndex();
        int sealedAt = start + (target != null ? WireFormat.RELAY_HEADER_LENGTH : 0);
        buffer.ensureWritable(segmentSize);
        // The buffer's own cached view of those bytes: nothing allocated per packet. Room for a full packet only:
        // a path MTU probe, longer, waits for the next packet outside a batch.
        ByteBuffer room = buffer.internalNioBuffer(sealedAt + WireFormat.DATA_HEADER_LENGTH,
                segmentSize - (sealedAt - start) - WireFormat.DATA_OVERHEAD);
        int length = connection.poll(now, room);
        if (length <= 0) {
            return 0;
        }
        if (target != null) {
            RelayPacket.writeHeader(buffer, WireFormat.TYPE_RELAY, target);
        }
        keypair.sealInPlace(buffer, sealedAt, length);
        added(start);
        return buffer.writerIndex() - sealedAt;
    }

    /** Appends a whole RELAYED datagram (consumed) to a batch {@linkplain #forRelaying for relaying}, as it is. */
    void relay(ByteBuf datagram) {
        int start = buffer.writerIndex();
        ((CompositeByteBuf) buffer).addComponent(true, datagram);
        added(start);
    }

    private void added(int start) {
        segments++;
        closed = buffer.writerIndex() - start != segmentSize || segments == maxSegments;
    }

    /** Whether the batch takes no more datagrams: the last was shorter than the segment size, or it is full. */
    boolean isClosed() {
        return closed;
    }

    /** Writes the batch (consumed) without flushing: one datagram as is, more as one segmented write. */
    void writeTo(Channel channel) {
        Object packet = segments == 1 ? new DatagramPacket(buffer, recipient)
                : new SegmentedDatagramPacket(buffer, segmentSize, recipient);
        channel.write(packet, channel.voidPromise());
    }
}

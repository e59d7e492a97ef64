package io.pilot.engine.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.transport.Connection;
import io.pilot.engine.wire.RelayPacket;
import io.pilot.engine.wire.WireFormat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Seals what a peer's connection has ready to send and writes it on the peer's path: small datagrams one
 * at a time, full-size ones batched into UDP GSO writes when the channel can ({@link DatagramBatch}), to a
 * directly reached peer or, each behind its RELAY header, to the relay. Owns the plaintext buffer a packet is
 * written into unless a batch is open (then straight into the batch, sealed there in place). The mechanics of the
 * session engine's flush, apart from its decisions (which keys, when to rekey, the connection's timer).
 * Confined to the event loop.
 */
final class DatagramWriter implements SessionEngine.Sender {

    private final Channel channel;
    private final ByteBufAllocator allocator;
    private final Paths paths;
    private final boolean segmentationOffload;
    private final ByteBuffer plaintext = ByteBuffer.allocate(WireFormat.MAX_LARGE_DATA_PLAINTEXT);

    /**
     * @param segmentationOffload whether full-size datagrams to one peer may leave as one UDP GSO write
     *        (the channel must support {@code SegmentedDatagramPacket})
     */
    DatagramWriter(Channel channel, Paths paths, boolean segmentationOffload) {
        this.channel = channel;
        this.allocator = channel.alloc();
        this.paths = paths;
        this.segmentationOffload = segmentationOffload;
    }

    /**
     * Seals every packet {@code connection} has ready under {@code keypair} and writes them to {@code peer}
     * without flushing (the session engine flushes the channel once for all the peers it sends to), counting the
     * bytes in {@link Peer#bytesOut}.
     *
     * @return whether anything was sent
     */
    @Override
    public boolean send(Peer peer, Connection connection, Keypair keypair, long now) {
        boolean wrote = false;
        DatagramBatch batch = null;
        while (true) {
            if (batch != null) {
                // A batch is open: the connection writes its next packet straight into it, sealed there in place.
                int size = batch.sealNext(connection, keypair, now, peer.relayed ? peer.address : null);
                if (size == 0) {
                    break;
                }
                peer.bytesOut += size;
                if (batch.isClosed()) {
                    batch.writeTo(channel);
                    batch = null;
                }
                continue;
            }
            plaintext.clear();
            int length = connection.poll(now, plaintext);
            if (length <= 0) {
                break;
            }
            plaintext.flip();
            wrote = true;
            int fullLength = connection.maxPacketPayload();
            if (length > fullLength) {
                peer.bytesOut += writeProbe(peer, connection, keypair, length);
                continue;
            }
            InetSocketAddress batchTo = length == fullLength && segmentationOffload ? paths.recipient(peer) : null;
            if (batchTo != null) {
                batch = DatagramBatch.forSealing(allocator, batchTo, peer.relayed, fullLength + WireFormat.DATA_OVERHEAD);
                peer.bytesOut += batch.seal(keypair, plaintext, peer.relayed ? peer.address : null);
                continue;
            }
            // Sealed in place on the heap, where the JDK's AES-GCM is fastest and allocates least; the channel then
            // copies the datagram into direct memory, which costs less than the JDK's own direct-buffer path
            // (measured: docs/ARCHITECTURE.md, the data path).
            ByteBuf datagram = allocator.heapBuffer(length + WireFormat.DATA_HEADER_LENGTH + WireFormat.TAG_LENGTH);
            keypair.seal(datagram, plaintext);
            peer.bytesOut += datagram.readableBytes();
            paths.write(datagram, peer);
        }
        if (batch != null) {
            batch.writeTo(channel);
        }
        return wrote;
    }

    /**
     * Seals and writes a path MTU probe (a packet longer than the path's full size) on its own, to the peer or,
     * behind a RELAY header, to the relay: the search runs end to end. Listens for the kernel's refusal: EMSGSIZE
     * means the interface itself cannot carry the size (the whole datagram, relay header included).
     *
     * @return the sealed datagram's size
     */
    private int writeProbe(Peer peer, Connection connection, Keypair keypair, int length) {
        InetSocketAddress to = paths.recipient(peer);
        if (to == null) {
            return 0;
        }
        int header = peer.relayed ? WireFormat.RELAY_HEADER_LENGTH : 0;
        ByteBuf datagram = allocator.heapBuffer(header + length + WireFormat.DATA_OVERHEAD);
        if (peer.relayed) {
            RelayPacket.writeHeader(datagram, WireFormat.TYPE_RELAY, peer.address);
        }
        keypair.seal(datagram, plaintext);
        int size = datagram.readableBytes();
        channel.write(new DatagramPacket(datagram, to)).addListener(written -> {
            if (MessageTooLong.is(written.cause())) {
                connection.datagramTooBig(size, System.nanoTime());
            }
        });
        return size - header;
    }
}

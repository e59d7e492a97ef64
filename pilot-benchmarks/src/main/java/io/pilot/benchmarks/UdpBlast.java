package io.pilot.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling for a UDP protocol on this machine: one thread writes {@value #DATAGRAM_BYTES}-byte
 * datagrams (Pilot's packet payload size) to loopback as fast as the kernel takes them, another thread
 * receives and counts them. No crypto, no acknowledgements, no congestion control, and no
 * reliability: datagrams the receiver is too slow for are dropped by the kernel and simply not counted.
 */
public final class UdpBlast implements AutoCloseable {

    /** Size of each datagram's payload. */
    public static final int DATAGRAM_BYTES = 1200;

    private final DatagramChannel receiver;
    private final DatagramChannel sender;
    private final Thread receiverThread;
    private final AtomicLong delivered = new AtomicLong();

    /**
     * @param sent bytes the sender handed to the kernel during the window
     * @param eventuallyDelivered of those, what the receiver got, late arrivals from socket buffers included
     * @param delivered what reached the receiving thread within the window
     */
    public record Blast(long sent, long eventuallyDelivered, Transfer delivered) {

        /** Fraction of the sent bytes the receiver never saw (the kernel dropped them: receive buffer full). */
        public double lossFraction() {
            return sent == 0 ? 0 : Math.max(0, 1 - (double) eventuallyDelivered / sent);
        }
    }

    public UdpBlast() {
        try {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            receiver = DatagramChannel.open().setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20)
                    .bind(new InetSocketAddress(loopback, 0));
            sender = DatagramChannel.open().setOption(StandardSocketOptions.SO_SNDBUF, 8 << 20)
                    .bind(new InetSocketAddress(loopback, 0)).connect(receiver.getLocalAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open loopback UDP sockets", e);
        }
        receiverThread = new Thread(this::receive, "udp-blast-receiver");
        receiverThread.setDaemon(true);
        receiverThread.start();
    }

    private void receive() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
        try {
            while (true) {
                buffer.clear();
                receiver.receive(buffer);
                delivered.addAndGet(buffer.position());
            }
        } catch (ClosedChannelException closed) {
            // close() ends the thread this way.
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends from the calling thread for {@code window}, then waits for the receiver to drain. */
    public Blast measure(Duration window) throws InterruptedException {
        ByteBuffer datagram = ByteBuffer.allocateDirect(DATAGRAM_BYTES);
        long before = delivered.get();
        long sent = 0;
        long start = System.nanoTime();
        long deadline = start + window.toNanos();
        try {
            long now;
            do {
                for (int i = 0; i < 64; i++) {
                    datagram.clear();
                    sent += sender.write(datagram);
                }
                now = System.nanoTime();
            } while (now < deadline);
            long bytes = delivered.get() - before;
            Quiet.waitFor(delivered);
            return new Blast(sent, delivered.get() - before, new Transfer(bytes, now - start));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        sender.close();
        receiver.close();
        try {
            receiverThread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.pilot.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

/**
 * The floor under any UDP protocol's round trip: a plain blocking echo between two
 * {@link DatagramChannel}s on loopback, one thread on each side, no crypto, no framing, no thread
 * hand-offs. Whatever Pilot's ping costs above this is Pilot's own overhead (encryption, transport
 * framing, acknowledgements, the event loop and executor hops).
 */
public final class UdpEchoLatency implements AutoCloseable {

    private final DatagramChannel echo;
    private final DatagramChannel client;
    private final Thread echoThread;
    private final ByteBuffer out;
    private final ByteBuffer in;

    /** Starts the echo thread and connects a client to it; {@code payloadBytes} go each way. */
    public UdpEchoLatency(int payloadBytes) {
        try {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            echo = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
            client = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0)).connect(echo.getLocalAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open loopback UDP sockets", e);
        }
        out = ByteBuffer.allocateDirect(payloadBytes);
        in = ByteBuffer.allocateDirect(Math.max(payloadBytes, 64));
        echoThread = new Thread(this::serveEchoes, "udp-echo");
        echoThread.setDaemon(true);
        echoThread.start();
    }

    private void serveEchoes() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
        try {
            while (true) {
                buffer.clear();
                SocketAddress from = echo.receive(buffer);
                buffer.flip();
                echo.send(buffer, from);
            }
        } catch (ClosedChannelException closed) {
            // close() ends the thread this way.
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One blocking round trip, in nanoseconds as the caller sees it. */
    public long roundTripNanos() {
        try {
            long start = System.nanoTime();
            out.clear();
            client.write(out);
            in.clear();
            client.read(in);
            return System.nanoTime() - start;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        echo.close();
        client.close();
        try {
            echoThread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.pilot.engine.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Asks a STUN server for a plain {@link DatagramSocket}'s reflexive address, blocking: for tools,
 * tests and anything that is not a Netty channel. It is {@link StunClientTransaction} driven by the
 * socket's receive timeout.
 */
public final class StunClient {

    /** Larger than any answer this package's server sends; bigger datagrams cannot be our answer anyway. */
    private static final int RECEIVE_BUFFER = 2048;

    private StunClient() {
    }

    /** With the RFC 8489 default RTO of 500 ms: gives up after 39.5 s without an answer. */
    public static InetSocketAddress reflexiveAddress(DatagramSocket socket, InetSocketAddress server) throws IOException {
        return reflexiveAddress(socket, server, StunClientTransaction.DEFAULT_RTO);
    }

    /**
     * Sends Binding requests from {@code socket} to {@code server} until one is answered. Datagrams
     * that are not the answer are consumed and dropped, so do not share the socket with a reader while
     * this runs. The socket's receive timeout is restored afterwards.
     *
     * @return the socket's address as the server saw it
     * @throws SocketTimeoutException if no answer came after all retransmissions
     * @throws ProtocolException      if the server answered with an error response
     */
    public static InetSocketAddress reflexiveAddress(DatagramSocket socket, InetSocketAddress server, Duration rto)
            throws IOException {
        StunClientTransaction transaction = StunClientTransaction.start(rto);
        ByteBuf encoded = transaction.request(UnpooledByteBufAllocator.DEFAULT);
        byte[] request = ByteBufUtil.getBytes(encoded);
        encoded.release();
        byte[] buffer = new byte[RECEIVE_BUFFER];
        int savedTimeout = socket.getSoTimeout();
        try {
            while (transaction.mayTransmit()) {
                socket.send(new DatagramPacket(request, request.length, server));
                long deadline = System.nanoTime() + transaction.transmitted().toNanos();
                Optional<InetSocketAddress> answer = awaitAnswer(socket, transaction, buffer, deadline);
                if (answer.isPresent()) {
                    return answer.get();
                }
                if (transaction.rejection().isPresent()) {
                    StunErrorCode error = transaction.rejection().get();
                    throw new ProtocolException("STUN server " + server + " refused the Binding request: "
                            + error.code() + " " + error.reason());
                }
            }
            throw new SocketTimeoutException("no STUN answer from " + server + " after "
                    + StunClientTransaction.MAX_TRANSMISSIONS + " transmissions");
        } finally {
            socket.setSoTimeout(savedTimeout);
        }
    }

    /** Receives until the transaction ends or the deadline passes (then returns empty). */
    private static Optional<InetSocketAddress> awaitAnswer(DatagramSocket socket, StunClientTransaction transaction,
                                                           byte[] buffer, long deadline) throws IOException {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        for (;;) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return Optional.empty();
            }
            // At least 1 ms: a timeout of 0 would mean "wait forever".
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining))));
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException waitOver) {
                return Optional.empty();
            }
            Optional<InetSocketAddress> answer = transaction.accept(Unpooled.wrappedBuffer(buffer, 0, packet.getLength()));
            if (answer.isPresent() || transaction.rejection().isPresent()) {
                return answer;
            }
        }
    }
}

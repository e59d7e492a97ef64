package io.pilot.engine;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * A UDP middlebox for tests: datagrams from a client are sent on to a target from the forwarder's own
 * socket, and the target's answers go back to the client. To the target, the client appears at the
 * forwarder's address, so switching forwarders is the client roaming; a {@code tamper} function sees
 * (and may alter, duplicate by returning the same, or drop by returning null) every client datagram.
 */
public final class UdpForwarder implements AutoCloseable {

    private final DatagramSocket socket;
    private final InetSocketAddress target;
    private final UnaryOperator<byte[]> tamper;
    private final UnaryOperator<byte[]> answers;
    private final Thread thread;
    private volatile InetSocketAddress client;

    public UdpForwarder(InetSocketAddress target, UnaryOperator<byte[]> tamper) throws SocketException {
        this(target, tamper, UnaryOperator.identity());
    }

    /** With {@code answers} seeing (and able to alter or drop) every datagram the target sends back. */
    public UdpForwarder(InetSocketAddress target, UnaryOperator<byte[]> tamper, UnaryOperator<byte[]> answers)
            throws SocketException {
        this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        this.target = target;
        this.tamper = tamper;
        this.answers = answers;
        this.thread = new Thread(this::run, "udp-forwarder");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public UdpForwarder(InetSocketAddress target) throws SocketException {
        this(target, UnaryOperator.identity());
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Sends raw bytes to the target from the forwarder's socket, as if the client had. */
    public void inject(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, target));
    }

    private void run() {
        byte[] buffer = new byte[65535];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                byte[] data = Arrays.copyOf(packet.getData(), packet.getLength());
                InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
                if (from.equals(target)) {
                    byte[] answer = answers.apply(data);
                    if (client != null && answer != null) {
                        socket.send(new DatagramPacket(answer, answer.length, client));
                    }
                } else {
                    client = from;
                    byte[] out = tamper.apply(data);
                    if (out != null) {
                        socket.send(new DatagramPacket(out, out.length, target));
                    }
                }
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}

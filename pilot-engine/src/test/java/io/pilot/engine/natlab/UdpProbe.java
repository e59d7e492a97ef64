package io.pilot.engine.natlab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * A UDP endpoint to run as a lab host: one plain {@link DatagramSocket}, so what the lab shows is the network's
 * doing and nothing of Pilot's. Started as {@code UdpProbe <port> [reflect]}, it binds {@code 0.0.0.0:<port>}
 * and prints {@code BOUND <port>}; then, for every datagram, {@code RECV <ip>:<port> <text>} naming the source
 * as this host sees it. With {@code reflect} it also answers each datagram with {@code SEEN <ip>:<port>}, the
 * sender's address as seen from here: a STUN-like service telling a host behind NAT its public mapping.
 *
 * <p>It reads commands on standard input, one per line, and exits when the input closes. The only command,
 * {@code send <ip>:<port> <text> <count> <gapMicros>}, sends {@code text} (one word) {@code count} times from
 * the socket, pausing between datagrams, then prints {@code SENT <count> <text>}.
 */
public final class UdpProbe {

    private UdpProbe() {
    }

    public static void main(String[] args) throws IOException {
        boolean reflect = args.length > 1 && args[1].equals("reflect");
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(Integer.parseInt(args[0])))) {
            Thread receiver = new Thread(() -> receive(socket, reflect), "receiver");
            receiver.setDaemon(true);
            receiver.start();
            System.out.println("BOUND " + socket.getLocalPort());
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = commands.readLine(); line != null; line = commands.readLine()) {
                String[] words = line.split(" ");
                if (words.length == 5 && words[0].equals("send")) {
                    send(socket, words);
                } else {
                    System.out.println("UNKNOWN " + line);
                }
            }
        }
    }

    private static void send(DatagramSocket socket, String[] words) throws IOException {
        String[] target = words[1].split(":");
        SocketAddress to = new InetSocketAddress(target[0], Integer.parseInt(target[1]));
        byte[] text = words[2].getBytes(StandardCharsets.UTF_8);
        int count = Integer.parseInt(words[3]);
        long gapNanos = Long.parseLong(words[4]) * 1000;
        for (int i = 0; i < count; i++) {
            socket.send(new DatagramPacket(text, text.length, to));
            LockSupport.parkNanos(gapNanos);
        }
        System.out.println("SENT " + count + " " + words[2]);
    }

    private static void receive(DatagramSocket socket, boolean reflect) {
        byte[] buffer = new byte[2048];
        try {
            while (true) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                String from = packet.getAddress().getHostAddress() + ":" + packet.getPort();
                System.out.println("RECV " + from + " "
                        + new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
                if (reflect) {
                    byte[] seen = ("SEEN " + from).getBytes(StandardCharsets.UTF_8);
                    socket.send(new DatagramPacket(seen, seen.length, packet.getSocketAddress()));
                }
            }
        } catch (IOException e) {
            if (!socket.isClosed()) {
                e.printStackTrace();
            }
        }
    }
}

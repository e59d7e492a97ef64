package io.pilot.samples.fleet;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Free ports for a fleet under test: the coordinator and the specialists take consecutive HTTP ports. */
final class FreePorts {

    private FreePorts() {
    }

    /**
     * The first of {@code count} consecutive free TCP ports, below Linux's ephemeral range (32768 and up): a port taken
     * from that range may be handed to some outgoing connection before the agent that should listen on it has started.
     */
    static int tcp(int count) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(20_000, 32_000 - count);
            boolean free = true;
            for (int port = first; port < first + count && free; port++) {
                try (ServerSocket socket = new ServerSocket()) {
                    socket.bind(new InetSocketAddress("0.0.0.0", port));
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return first;
            }
        }
        throw new IOException("no " + count + " consecutive free TCP ports between 20000 and 32000");
    }

    static int udp() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return socket.getLocalPort();
        }
    }
}

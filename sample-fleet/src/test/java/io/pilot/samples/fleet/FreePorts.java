package io.pilot.samples.fleet;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free ports for a fleet under test: the coordinator and the specialists take consecutive HTTP ports. */
final class FreePorts {

    private FreePorts() {
    }

    /** The first of {@code count} consecutive free TCP ports. */
    static int tcp(int count) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first;
            try (ServerSocket probe = new ServerSocket(0)) {
                first = probe.getLocalPort();
            }
            if (first + count > 65_535) {
                continue;
            }
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
        throw new IOException("no " + count + " consecutive free TCP ports");
    }

    static int udp() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return socket.getLocalPort();
        }
    }
}

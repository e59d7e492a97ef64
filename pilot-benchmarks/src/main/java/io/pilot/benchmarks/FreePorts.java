package io.pilot.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A TCP port on loopback that was free a moment ago, for a child process to bind (an HTTP server, nats-server).
 * Another process could take it in between; on a bench machine that race is not worth more machinery.
 */
final class FreePorts {

    private FreePorts() {
    }

    static int tcp() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on loopback", e);
        }
    }
}

package io.pilot.backbone.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on loopback between a backbone and etcd, which a test cuts (every connection closed, new ones
 * refused: the port is closed) and restores (the same port listens again): a network cut of one backbone alone.
 */
final class TcpForwarder implements AutoCloseable {

    private final InetSocketAddress target;
    private final int port;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;

    private TcpForwarder(InetSocketAddress target, int port) {
        this.target = target;
        this.port = port;
    }

    /** Forwards a free loopback port to {@code target}. */
    static TcpForwarder start(InetSocketAddress target) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        TcpForwarder forwarder = new TcpForwarder(target, port);
        forwarder.restore();
        return forwarder;
    }

    int port() {
        return port;
    }

    /** Listens again on the same port. */
    synchronized void restore() throws IOException {
        ServerSocket listening = new ServerSocket();
        listening.setReuseAddress(true);
        listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        server = listening;
        daemon("etcd-forwarder-accept", () -> accept(listening));
    }

    /** Closes the port and every connection through it. */
    synchronized void cut() throws IOException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
        open.clear();
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                open.add(client);
                open.add(upstream);
                daemon("etcd-forwarder-up", () -> pipe(client, upstream));
                daemon("etcd-forwarder-down", () -> pipe(upstream, client));
            } catch (IOException e) {
                return; // cut: the port is closed
            }
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // the connection was cut, or one side closed it
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}

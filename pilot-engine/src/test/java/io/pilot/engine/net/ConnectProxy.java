package io.pilot.engine.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP CONNECT proxy for tests, with optional basic authentication: answers 407 to a CONNECT without
 * the right credentials, else connects upstream, answers 200 and pumps bytes both ways. One thread per direction.
 */
final class ConnectProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String expectedAuthorization;
    final AtomicInteger tunnels = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();

    ConnectProxy(String user, String password) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.expectedAuthorization = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        Thread acceptor = new Thread(this::accept, "test-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread handler = new Thread(() -> serve(client), "test-proxy-conn");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try {
            String request = readHeaders(client.getInputStream());
            String[] line = request.split("\r\n")[0].split(" ");
            boolean authorized = expectedAuthorization == null
                    || request.contains("proxy-authorization: " + expectedAuthorization.toLowerCase())
                    || request.toLowerCase().contains("proxy-authorization: " + expectedAuthorization.toLowerCase());
            OutputStream toClient = client.getOutputStream();
            if (!line[0].equals("CONNECT") || !authorized) {
                refused.incrementAndGet();
                toClient.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                client.close();
                return;
            }
            int colon = line[1].lastIndexOf(':');
            Socket upstream = new Socket(line[1].substring(0, colon).replace("[", "").replace("]", ""),
                    Integer.parseInt(line[1].substring(colon + 1)));
            tunnels.incrementAndGet();
            toClient.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread up = new Thread(() -> pump(client, upstream), "test-proxy-up");
            up.setDaemon(true);
            up.start();
            pump(upstream, client);
        } catch (IOException | RuntimeException e) {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        try (from; to) {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException ended) {
            // either side closed
        }
    }

    private static String readHeaders(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            text.append((char) b);
            if (text.length() >= 4 && text.substring(text.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return text.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

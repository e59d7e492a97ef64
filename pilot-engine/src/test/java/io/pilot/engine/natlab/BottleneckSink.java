package io.pilot.engine.natlab;

import io.pilot.engine.PilotNode;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The receiving end of {@link BottleneckFairnessTest}: a Pilot node on 0.0.0.0:7400 that counts the request bytes
 * each sender delivers on port {@value #PORT}, and a TCP listener on 0.0.0.0:{@value #TCP_PORT} that counts what each
 * connection delivers. Prints {@code SINK <key>}; each {@code count} line on stdin is answered
 * {@code COUNT <flow>=<bytes> ...} (flows named {@code pilot-<address>} and {@code tcp-<n>}).
 */
public final class BottleneckSink {

    static final int PORT = 4000;
    static final int TCP_PORT = 7500;

    private BottleneckSink() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, AtomicLong> delivered = new ConcurrentHashMap<>();
        PilotNode node = PilotNode.builder().identity(Identity.generate(new SecureRandom()))
                .bindAddress("0.0.0.0", 7400).build().start();
        node.listen(PORT, MessageHandler.of(in -> {
            delivered.computeIfAbsent("pilot-" + in.from(), k -> new AtomicLong()).addAndGet(in.message().body().length);
            return Message.empty();
        }));
        ServerSocket tcp = new ServerSocket();
        tcp.bind(new InetSocketAddress("0.0.0.0", TCP_PORT));
        Thread acceptor = new Thread(() -> accept(tcp, delivered), "tcp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        System.out.println("SINK " + node.publicKey());
        System.out.flush();
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = stdin.readLine()) != null) {
            if (line.trim().equals("count")) {
                StringBuilder out = new StringBuilder("COUNT");
                new TreeMap<>(delivered).forEach((flow, bytes) -> out.append(' ').append(flow).append('=').append(bytes.get()));
                System.out.println(out);
                System.out.flush();
            }
        }
        node.close();
        System.exit(0);
    }

    private static void accept(ServerSocket tcp, Map<String, AtomicLong> delivered) {
        int n = 0;
        while (true) {
            try {
                Socket socket = tcp.accept();
                AtomicLong count = delivered.computeIfAbsent("tcp-" + n++, k -> new AtomicLong());
                Thread reader = new Thread(() -> drain(socket, count), "tcp-read");
                reader.setDaemon(true);
                reader.start();
            } catch (Exception e) {
                return;
            }
        }
    }

    private static void drain(Socket socket, AtomicLong count) {
        byte[] buffer = new byte[65_536];
        try (InputStream in = socket.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                count.addAndGet(n);
            }
        } catch (Exception e) {
            // the source went away: its count stays
        }
    }
}

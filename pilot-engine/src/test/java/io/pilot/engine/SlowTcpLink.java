package io.pilot.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP link for tests whose way back is slow: it listens on a loopback address, connects every client on to a
 * target, passes the client's bytes on at once and the target's bytes back {@code delay} late, in order (a slow or
 * distant link as seen by the client, the target's answers late).
 */
public final class SlowTcpLink implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final long delayNanos;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    public SlowTcpLink(InetSocketAddress listen, InetSocketAddress target, Duration delay) throws IOException {
        this.server = new ServerSocket();
        this.server.setReuseAddress(true);
        this.server.bind(listen);
        this.target = target;
        this.delayNanos = delay.toNanos();
        daemon("slow-link-accept", this::accept);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                open.add(client);
                open.add(upstream);
                daemon("slow-link-out", () -> pump(client, upstream));
                BlockingQueue<Chunk> late = new LinkedBlockingQueue<>();
                daemon("slow-link-back-read", () -> read(upstream, late));
                daemon("slow-link-back-write", () -> writeLate(late, client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (IOException closed) {
            // either side went away: so does the link
        } finally {
            closeQuietly(to);
        }
    }

    private void read(Socket from, BlockingQueue<Chunk> late) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                late.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
            }
        } catch (IOException closed) {
            // the target went away
        }
        late.add(new Chunk(System.nanoTime() + delayNanos, null));
    }

    private static void writeLate(BlockingQueue<Chunk> late, Socket to) {
        try (OutputStream out = to.getOutputStream()) {
            while (true) {
                Chunk chunk = late.take();
                long wait = chunk.dueNanos - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (chunk.bytes == null) {
                    return;
                }
                out.write(chunk.bytes);
            }
        } catch (IOException | InterruptedException closed) {
            // the client went away
        } finally {
            closeQuietly(to);
        }
    }

    private record Chunk(long dueNanos, byte[] bytes) {
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        open.forEach(SlowTcpLink::closeQuietly);
    }
}

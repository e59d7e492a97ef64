package io.pilot.engine.control;

import io.pilot.engine.codec.DecodeException;
import io.pilot.engine.codec.StrictUtf8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the one request line of every connection not yet served, on one thread under one selector: a client
 * that sends nothing, half a line or a line byte by byte holds no worker, only a socket and at most
 * {@code maxBytes} here. Each connection has {@code timeout} to finish its line; at most {@code maxPending}
 * wait at once, and when one more comes the one waiting longest is dropped ({@link ControlError#TIMEOUT}), so
 * no client can keep the others out by opening connections. A finished line goes to the workers.
 */
final class RequestReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RequestReader.class);

    private final int maxBytes;
    private final Duration timeout;
    private final int maxPending;
    private final BiConsumer<SocketChannel, String> onLine;
    private final Selector selector;
    private final Queue<SocketChannel> arrivals = new ConcurrentLinkedQueue<>();
    /** Connections reading their line, oldest first. Touched by the reading thread only. */
    private final LinkedHashMap<SocketChannel, Pending> pending = new LinkedHashMap<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(8192);
    /** Connections taken off the selector this round, with what to do once they block again. */
    private final List<Runnable> handoffs = new ArrayList<>();
    private volatile int pendingCount;
    private volatile boolean closed;

    private static final class Pending {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        final long deadlineNanos;
        final SelectionKey key;

        Pending(long deadlineNanos, SelectionKey key) {
            this.deadlineNanos = deadlineNanos;
            this.key = key;
        }
    }

    /** @param onLine gets each connection whose line is complete (blocking again), and the line without its newline */
    RequestReader(int maxBytes, Duration timeout, int maxPending, BiConsumer<SocketChannel, String> onLine) throws IOException {
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.maxPending = maxPending;
        this.onLine = onLine;
        this.selector = Selector.open();
    }

    /** Hands over a new connection; its line is read from now on. */
    void add(SocketChannel channel) {
        arrivals.add(channel);
        selector.wakeup();
    }

    /** Connections whose line is still being read. */
    int pending() {
        return pendingCount;
    }

    /** The reading loop; returns once closed. */
    void run() {
        try {
            while (!closed) {
                admitArrivals();
                selector.select(nextDeadlineMillis());
                for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    readReady((SocketChannel) key.channel());
                }
                expire();
                handOff();
                pendingCount = pending.size();
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!closed) {
                log.warn("the control socket's request reader stopped", e);
            }
        } finally {
            pending.keySet().forEach(RequestReader::closeQuietly);
            pending.clear();
            arrivals.forEach(RequestReader::closeQuietly);
        }
    }

    private void admitArrivals() throws IOException {
        for (SocketChannel channel = arrivals.poll(); channel != null; channel = arrivals.poll()) {
            if (pending.size() >= maxPending) {
                SocketChannel oldest = pending.keySet().iterator().next();
                fail(oldest, new ControlException(ControlError.TIMEOUT, "dropped: " + maxPending
                        + " other connections were waiting to send their request, and this one waited longest"));
            }
            handOff();
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            pending.put(channel, new Pending(System.nanoTime() + timeout.toNanos(), key));
        }
    }

    private long nextDeadlineMillis() {
        if (pending.isEmpty()) {
            return 0; // select(0) waits until woken by an arrival
        }
        long first = pending.values().iterator().next().deadlineNanos; // oldest first: the earliest deadline
        return Math.max(1, (first - System.nanoTime()) / 1_000_000 + 1);
    }

    private void readReady(SocketChannel channel) {
        Pending waiting = pending.get(channel);
        if (waiting == null) {
            return;
        }
        buffer.clear();
        int read;
        try {
            read = channel.read(buffer);
        } catch (IOException gone) {
            remove(channel, () -> closeQuietly(channel));
            return;
        }
        if (read < 0) {
            if (waiting.line.size() == 0) {
                remove(channel, () -> closeQuietly(channel));
            } else {
                complete(channel, waiting.line.toByteArray());
            }
            return;
        }
        for (int i = 0; i < read; i++) {
            byte b = buffer.get(i);
            if (b == '\n') {
                complete(channel, waiting.line.toByteArray());
                return;
            }
            if (waiting.line.size() == maxBytes) {
                fail(channel, new ControlException(ControlError.TOO_LARGE, "the request line is longer than "
                        + maxBytes + " bytes"));
                return;
            }
            waiting.line.write(b);
        }
    }

    private void expire() {
        long now = System.nanoTime();
        for (Map.Entry<SocketChannel, Pending> entry : new ArrayList<>(pending.entrySet())) {
            if (entry.getValue().deadlineNanos - now > 0) {
                break; // oldest first: the rest are later
            }
            fail(entry.getKey(), new ControlException(ControlError.TIMEOUT, "the request line did not end within "
                    + timeout.toMillis() + " ms (requests end with a newline)"));
        }
    }

    private void complete(SocketChannel channel, byte[] line) {
        String text;
        try {
            text = StrictUtf8.decode(line);
        } catch (DecodeException e) {
            fail(channel, new ControlException(ControlError.BAD_REQUEST, "the request is not UTF-8 text"));
            return;
        }
        remove(channel, () -> onLine.accept(channel, text));
    }

    private void fail(SocketChannel channel, ControlException reason) {
        remove(channel, () -> ControlConnection.refuse(channel, reason));
    }

    /** Stops reading the channel; {@code then} runs once it is off the selector and blocking again. */
    private void remove(SocketChannel channel, Runnable then) {
        Pending removed = pending.remove(channel);
        if (removed != null) {
            removed.key.cancel();
            handoffs.add(() -> {
                try {
                    if (channel.isOpen()) {
                        channel.configureBlocking(true);
                    }
                } catch (IOException e) {
                    closeQuietly(channel);
                    return;
                }
                then.run();
            });
        }
    }

    /** A cancelled key leaves the selector at its next selection: only then may the channel block again. */
    private void handOff() throws IOException {
        if (handoffs.isEmpty()) {
            return;
        }
        selector.selectNow();
        selector.selectedKeys().clear(); // what is readable now is selected again next round
        List<Runnable> now = new ArrayList<>(handoffs);
        handoffs.clear();
        now.forEach(Runnable::run);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing a control connection failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
    }

    void closeSelector() {
        try {
            selector.close();
        } catch (IOException e) {
            log.debug("closing the request reader's selector failed", e);
        }
    }
}

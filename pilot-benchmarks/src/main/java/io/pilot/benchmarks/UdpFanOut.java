package io.pilot.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The floor under a broadcast on this machine: one plain {@link DatagramChannel} sends the same 4-byte datagram to
 * many receiver sockets on loopback, no crypto, no framing, no acknowledgement, and the round ends when the last
 * receiver has read its copy. The receivers are read either by one blocking thread each (as members with an event
 * loop of their own are) or by a few threads each waiting on one {@link Selector} (epoll on Linux) over its share of
 * the sockets (as members on {@code SharedEventLoops} are). What Pilot's broadcast costs above this, in the same
 * configuration, is Pilot's own; what this costs is the machine's wake-ups and cores.
 */
final class UdpFanOut implements AutoCloseable {

    /** One round: to the last and the median receiver, the sender's send loop, process and sender-thread CPU. */
    record Round(long lastNanos, long medianNanos, long sentNanos, long processCpuNanos, long senderCpuNanos) {
    }

    private final DatagramChannel sender;
    private final List<DatagramChannel> receivers = new ArrayList<>();
    private final List<InetSocketAddress> targets = new ArrayList<>();
    private final List<Selector> selectors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLongArray arrivals;
    private final ByteBuffer out = ByteBuffer.allocateDirect(4);
    private final Object roundDone = new Object();
    private volatile int round = -1;
    private int received;

    /**
     * @param receiverCount receiver sockets
     * @param readerThreads 0 for one blocking reader thread per socket, else that many threads sharing the sockets
     *                      (round robin), each over one selector
     */
    UdpFanOut(int receiverCount, int readerThreads) {
        arrivals = new AtomicLongArray(receiverCount);
        try {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            sender = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
            for (int i = 0; i < receiverCount; i++) {
                DatagramChannel receiver = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
                receivers.add(receiver);
                targets.add((InetSocketAddress) receiver.getLocalAddress());
            }
            if (readerThreads == 0) {
                for (int i = 0; i < receiverCount; i++) {
                    int index = i;
                    start("udp-fanout-" + i, () -> readBlocking(index));
                }
            } else {
                for (int t = 0; t < readerThreads; t++) {
                    Selector selector = Selector.open();
                    selectors.add(selector);
                    for (int i = t; i < receiverCount; i += readerThreads) {
                        receivers.get(i).configureBlocking(false).register(selector, SelectionKey.OP_READ, i);
                    }
                    start("udp-fanout-selector-" + t, () -> readSelected(selector));
                }
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot open loopback UDP sockets", e);
        }
    }

    private void start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private void readBlocking(int index) {
        ByteBuffer in = ByteBuffer.allocateDirect(64);
        DatagramChannel channel = receivers.get(index);
        try {
            while (true) {
                in.clear();
                channel.receive(in);
                arrived(index, in);
            }
        } catch (ClosedChannelException closed) {
            // close() ends the thread this way.
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readSelected(Selector selector) {
        ByteBuffer in = ByteBuffer.allocateDirect(64);
        try {
            while (selector.isOpen()) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    DatagramChannel channel = (DatagramChannel) key.channel();
                    in.clear();
                    while (channel.receive(in) != null) {
                        arrived((Integer) key.attachment(), in);
                        in.clear();
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (ClosedSelectorException | ClosedChannelException closed) {
            // close() ends the thread this way.
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void arrived(int index, ByteBuffer in) {
        long now = System.nanoTime();
        in.flip();
        if (in.remaining() == 4 && in.getInt() == round && arrivals.compareAndSet(index, 0, now)) {
            synchronized (roundDone) {
                if (++received == arrivals.length()) {
                    roundDone.notifyAll();
                }
            }
        }
    }

    /** Sends round {@code number}'s datagram to every receiver and waits until each has read it. */
    Round round(int number, long timeoutNanos) throws InterruptedException {
        for (int i = 0; i < arrivals.length(); i++) {
            arrivals.set(i, 0);
        }
        synchronized (roundDone) {
            received = 0;
        }
        round = number;
        long cpuBefore = ThreadCpu.processCpuNanos();
        long senderCpuBefore = ThreadCpu.threadCpuNanos(Thread.currentThread().getId());
        long start = System.nanoTime();
        try {
            for (InetSocketAddress target : targets) {
                out.clear().putInt(number).flip();
                sender.send(out, target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long sent = System.nanoTime() - start;
        long senderCpu = ThreadCpu.threadCpuNanos(Thread.currentThread().getId()) - senderCpuBefore;
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (roundDone) {
            while (received < arrivals.length()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    // UDP may drop on a full socket buffer: a lost copy says so rather than hanging the run.
                    throw new IllegalStateException("raw UDP fan-out round " + number + ": only " + received + " of "
                            + arrivals.length() + " receivers read their datagram");
                }
                TimeUnit.NANOSECONDS.timedWait(roundDone, left);
            }
        }
        long cpu = ThreadCpu.processCpuNanos() - cpuBefore;
        long[] times = new long[arrivals.length()];
        for (int i = 0; i < times.length; i++) {
            times[i] = arrivals.get(i);
        }
        Arrays.sort(times);
        return new Round(times[times.length - 1] - start, times[times.length / 2] - start, sent, cpu, senderCpu);
    }

    @Override
    public void close() {
        for (Selector selector : selectors) {
            try {
                selector.close();
            } catch (IOException ignored) {
                // best effort: the rest still closes
            }
        }
        for (DatagramChannel receiver : receivers) {
            try {
                receiver.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
        try {
            if (sender != null) {
                sender.close();
            }
        } catch (IOException ignored) {
            // best effort
        }
        for (Thread thread : threads) {
            try {
                thread.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

package io.pilot.engine.transport;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * Deterministic discrete-event network for two {@link Connection}s: a virtual clock, two one-way links with delay,
 * optional bandwidth and queue limit, random loss, duplication and reordering from one seeded {@link Random}.
 * The loop jumps the clock to the next packet arrival or connection deadline; after every event the affected
 * connection is polled until it has nothing more to send.
 */
final class Simulator {

    /** One direction of the path. */
    static final class Link {
        long delayNanos = 10_000_000;
        double loss;
        double duplication;
        long reorderJitterNanos;
        /** Bytes per second; 0 = infinite. */
        long bandwidth;
        /** With a bandwidth: packets arriving when this many nanos of queue are waiting are dropped. */
        long maxQueueNanos = Long.MAX_VALUE;
        /** Drops the n-th packet put on this link (0-based) when it returns true. */
        LongPredicate dropFilter = n -> false;
        /** Packets with a longer payload are dropped, as a path drops datagrams above its MTU. */
        int maxPayload = Integer.MAX_VALUE;
        long transmitted;
        long busyUntil;
        long dropped;
        long delivered;
    }

    /** A packet as it left a connection. */
    record Sent(long timeNanos, boolean fromA, byte[] payload) {
    }

    interface Observer {
        void onSent(Sent packet);
    }

    private record Event(long time, long seq, boolean toA, byte[] payload) {
    }

    final Random random;
    final Link aToB = new Link();
    final Link bToA = new Link();
    Connection a;
    Connection b;
    long now = 1_000_000_000L;
    long steps;
    final List<Observer> observers = new ArrayList<>();
    /** Called for each packet just before a connection receives it (time = arrival time). */
    final List<Observer> arrivals = new ArrayList<>();
    private final PriorityQueue<Event> events = new PriorityQueue<>((x, y) -> x.time != y.time
            ? Long.compare(x.time, y.time) : Long.compare(x.seq, y.seq));
    private long seq;
    private final ByteBuffer scratch = ByteBuffer.allocate(65_536);

    Simulator(long seed) {
        this.random = new Random(seed);
    }

    void connect(TransportConfig config, ConnectionHandler handlerA, ConnectionHandler handlerB) {
        connect(config, config, handlerA, handlerB);
    }

    void connect(TransportConfig configA, TransportConfig configB, ConnectionHandler handlerA,
            ConnectionHandler handlerB) {
        a = new Connection(configA, true, handlerA, now);
        b = new Connection(configB, false, handlerB, now);
    }

    void linkBoth(Consumer<Link> setup) {
        setup.accept(aToB);
        setup.accept(bToA);
    }

    /** Polls a connection until it has nothing to send, putting packets on its outgoing link. */
    void flush(Connection c) {
        boolean fromA = c == a;
        Link link = fromA ? aToB : bToA;
        while (true) {
            scratch.clear();
            int n = c.poll(now, scratch);
            if (n == 0) {
                return;
            }
            byte[] payload = new byte[n];
            scratch.flip();
            scratch.get(payload);
            Sent sent = new Sent(now, fromA, payload);
            for (Observer o : observers) {
                o.onSent(sent);
            }
            transmit(link, !fromA, payload);
        }
    }

    void flushBoth() {
        flush(a);
        flush(b);
    }

    private void transmit(Link link, boolean toA, byte[] payload) {
        if (link.dropFilter.test(link.transmitted++) || payload.length > link.maxPayload) {
            link.dropped++;
            return;
        }
        long departure = now;
        if (link.bandwidth > 0) {
            long start = Math.max(now, link.busyUntil);
            if (start - now > link.maxQueueNanos) {
                link.dropped++;
                return;
            }
            departure = start + payload.length * 1_000_000_000L / link.bandwidth;
            link.busyUntil = departure;
        }
        if (random.nextDouble() < link.loss) {
            link.dropped++;
            return;
        }
        int copies = random.nextDouble() < link.duplication ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            long jitter = link.reorderJitterNanos > 0 ? (long) (random.nextDouble() * link.reorderJitterNanos) : 0;
            events.add(new Event(departure + link.delayNanos + jitter, seq++, toA, payload));
        }
    }

    /** Injects a raw payload arriving at a connection now. */
    void inject(boolean toA, byte[] payload) {
        events.add(new Event(now, seq++, toA, payload));
    }

    /** Advances to the next event; false if nothing is pending at all. */
    boolean step() {
        long next = Math.min(a.nextDeadlineNanos(), b.nextDeadlineNanos());
        Event e = events.peek();
        if (e != null && e.time <= next) {
            events.poll();
            now = Math.max(now, e.time);
            Connection target = e.toA ? a : b;
            (e.toA ? bToA : aToB).delivered++;
            Sent arrival = new Sent(now, !e.toA, e.payload);
            for (Observer o : arrivals) {
                o.onSent(arrival);
            }
            target.receive(ByteBuffer.wrap(e.payload), now);
            flush(target);
        } else if (next != Long.MAX_VALUE) {
            now = Math.max(now, next);
            for (Connection c : new Connection[] {a, b}) {
                if (c.nextDeadlineNanos() <= now) {
                    c.onTimeout(now);
                    flush(c);
                }
            }
        } else {
            return false;
        }
        steps++;
        return true;
    }

    /**
     * Runs until {@code done} holds. Fails (instead of hanging) past the virtual-time or step budget, or if the
     * simulation runs dry first.
     */
    void runUntil(BooleanSupplier done, long maxVirtualNanos, long maxSteps) {
        long deadline = now + maxVirtualNanos;
        long stepLimit = steps + maxSteps;
        flushBoth();
        while (!done.getAsBoolean()) {
            if (now > deadline) {
                throw new AssertionError("virtual time budget exceeded at " + now);
            }
            if (steps > stepLimit) {
                throw new AssertionError("step budget exceeded");
            }
            if (!step()) {
                throw new AssertionError("simulation ran dry before completion");
            }
        }
    }

    /** Runs for a span of virtual time (events after it stay queued). */
    void runFor(long nanos) {
        long end = now + nanos;
        flushBoth();
        while (true) {
            long next = Math.min(a.nextDeadlineNanos(), b.nextDeadlineNanos());
            Event e = events.peek();
            if (e != null) {
                next = Math.min(next, e.time);
            }
            if (next > end) {
                now = end;
                return;
            }
            step();
        }
    }
}

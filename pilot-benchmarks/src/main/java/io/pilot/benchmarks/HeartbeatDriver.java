package io.pilot.benchmarks;

import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.message.IncomingMessage;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps the leases of in-process agents alive: one thread walks round the agents at a set pace and hands each
 * registered one's heartbeat to the backbone it registered through (the one keeping its lease). An agent is
 * visited once per round, so at {@code rate} heartbeats a second each agent heartbeats every {@code agents / rate}
 * seconds; agents not registered yet are passed over in their turn.
 */
final class HeartbeatDriver implements AutoCloseable {

    private final List<RealmBackbone> backbones;
    private final IncomingMessage[] heartbeats;
    private final AtomicIntegerArray registered;
    private final Thread thread;
    private final LongAdder sent = new LongAdder();
    private final Map<DirectoryError, LongAdder> refused = new EnumMap<>(DirectoryError.class);
    private volatile double rate;
    private volatile boolean running = true;

    /**
     * @param heartbeats agent i's heartbeat request, handed to {@code backbones.get(i % backbones.size())}
     * @param registered agent i is registered if element i is 1
     */
    HeartbeatDriver(List<RealmBackbone> backbones, IncomingMessage[] heartbeats, AtomicIntegerArray registered,
                    double rate) {
        this.backbones = backbones;
        this.heartbeats = heartbeats;
        this.registered = registered;
        this.rate = rate;
        for (DirectoryError error : DirectoryError.values()) {
            refused.put(error, new LongAdder());
        }
        thread = new Thread(this::run, "bench-heartbeats");
        thread.setDaemon(true);
        thread.start();
    }

    /** Turns per second from now on (one turn is one agent's heartbeat, if it is registered). */
    void rate(double turnsPerSecond) {
        rate = turnsPerSecond;
    }

    /** Heartbeats handed over so far. */
    long sent() {
        return sent.sum();
    }

    /** Heartbeats refused so far with {@code error} ({@code NOT_REGISTERED}: a lease had lapsed). */
    long refused(DirectoryError error) {
        return refused.get(error).sum();
    }

    private void run() {
        int next = 0;
        double pacedRate = rate;
        long since = System.nanoTime();
        long turnsSince = 0;
        while (running) {
            if (rate != pacedRate) {
                pacedRate = rate;
                since = System.nanoTime();
                turnsSince = 0;
            }
            long due = (long) (pacedRate * (System.nanoTime() - since) / 1e9);
            for (; turnsSince < due && running; turnsSince++) {
                int agent = next;
                next = (next + 1) % heartbeats.length;
                if (registered.get(agent) == 1) {
                    beat(agent);
                }
            }
            sleepBriefly();
        }
    }

    private void beat(int agent) {
        byte[] reply = backbones.get(agent % backbones.size()).handle(heartbeats[agent]);
        try {
            DirectoryProtocol.readReply(reply);
            sent.increment();
        } catch (DirectoryException e) {
            refused.get(e.error()).increment();
        }
    }

    private static void sleepBriefly() {
        try {
            TimeUnit.MILLISECONDS.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}

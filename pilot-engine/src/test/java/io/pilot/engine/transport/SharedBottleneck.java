package io.pilot.engine.transport;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Several connection pairs whose senders share one bottleneck, on a virtual clock: the senders' packets queue at a
 * link of fixed rate with a drop-tail queue of bounded delay, then travel a fixed delay; the receivers' packets (ACKs,
 * credit) come back over uncongested links of the same delay. Each flow is a {@link Connection} pair of its own, so
 * what they share is only the queue, as flows from different hosts through one router. {@link #policedBy} puts a
 * token-bucket policer in front of the link, as the NAT lab's nftables {@code limit rate over}: a packet that finds
 * too few tokens is dropped at once, never queued, so the flows meet loss without any queueing delay. Nothing in a run
 * is left to chance the seed does not place, so a seed repeats its run exactly.
 */
final class SharedBottleneck {

    /** One sender and its receiver, with what the receiver got. */
    static final class Flow {
        final Connection sender;
        final Connection receiver;
        final Recorder received = new Recorder();

        private Flow(TransportConfig config, long now, SplittableRandom chance) {
            sender = new Connection(config, true, new Recorder(), now,
                    new SkippedPacketNumbers(chance.nextLong()), chance.split());
            receiver = new Connection(config, false, received, now,
                    new SkippedPacketNumbers(chance.nextLong()), chance.split());
        }
    }

    private record Event(long time, long seq, Connection target, byte[] payload) {
    }

    private final SplittableRandom chance;
    private final long rateBytesPerSecond;
    private final long maxQueueNanos;
    private final long delayNanos;
    private final List<Flow> flows = new ArrayList<>();
    private final PriorityQueue<Event> events = new PriorityQueue<>((x, y) -> x.time != y.time
            ? Long.compare(x.time, y.time) : Long.compare(x.seq, y.seq));
    private final ByteBuffer scratch = ByteBuffer.allocate(65_536);
    private long seq;
    private long busyUntil;
    private long policerRate;
    private long policerBurst;
    private double tokens;
    private long tokensNanos;
    long now = 1_000_000_000L;
    long dropped;

    /**
     * @param seed places every flow's chance (skipped packet numbers, BBR's probing phases): one seed, one run
     */
    SharedBottleneck(long rateBytesPerSecond, long maxQueueNanos, long delayNanos, long seed) {
        this.chance = new SplittableRandom(seed);
        this.rateBytesPerSecond = rateBytesPerSecond;
        this.maxQueueNanos = maxQueueNanos;
        this.delayNanos = delayNanos;
    }

    /** Polices the senders' packets to {@code bytesPerSecond} with a bucket of {@code burstBytes}, before the link. */
    SharedBottleneck policedBy(long bytesPerSecond, long burstBytes) {
        policerRate = bytesPerSecond;
        policerBurst = burstBytes;
        tokens = burstBytes;
        tokensNanos = now;
        return this;
    }

    private boolean policerPasses(int bytes) {
        if (policerRate == 0) {
            return true;
        }
        tokens = Math.min(policerBurst, tokens + (now - tokensNanos) * (double) policerRate / 1_000_000_000L);
        tokensNanos = now;
        if (tokens < bytes) {
            return false;
        }
        tokens -= bytes;
        return true;
    }

    /** Adds a flow whose sender writes {@code bytes} on one stream. */
    Flow addFlow(TransportConfig config, long bytes) {
        Flow flow = new Flow(config, now, chance.split());
        flows.add(flow);
        Recorder.writePattern(flow.sender.openStream(1), bytes);
        flush(flow.sender, flow);
        return flow;
    }

    private void flush(Connection c, Flow flow) {
        boolean fromSender = c == flow.sender;
        while (true) {
            scratch.clear();
            int n = c.poll(now, scratch);
            if (n == 0) {
                return;
            }
            byte[] payload = new byte[n];
            scratch.flip().get(payload);
            long arrival = now + delayNanos;
            if (fromSender) {
                long start = Math.max(now, busyUntil);
                if (!policerPasses(n) || start - now > maxQueueNanos) {
                    dropped++;
                    continue;
                }
                busyUntil = start + n * 1_000_000_000L / rateBytesPerSecond;
                arrival = busyUntil + delayNanos;
            }
            events.add(new Event(arrival, seq++, fromSender ? flow.receiver : flow.sender, payload));
        }
    }

    private Flow flowOf(Connection c) {
        for (Flow f : flows) {
            if (f.sender == c || f.receiver == c) {
                return f;
            }
        }
        throw new IllegalArgumentException("not a flow's connection");
    }

    /** Runs for {@code nanos} of virtual time. */
    void runFor(long nanos) {
        long end = now + nanos;
        while (true) {
            long next = Long.MAX_VALUE;
            Connection due = null;
            for (Flow f : flows) {
                for (Connection c : new Connection[] {f.sender, f.receiver}) {
                    if (c.nextDeadlineNanos() < next) {
                        next = c.nextDeadlineNanos();
                        due = c;
                    }
                }
            }
            Event e = events.peek();
            if (e != null && e.time <= next) {
                if (e.time > end) {
                    break;
                }
                events.poll();
                now = Math.max(now, e.time);
                e.target.receive(ByteBuffer.wrap(e.payload), now);
                flush(e.target, flowOf(e.target));
            } else {
                if (next > end) {
                    break;
                }
                now = Math.max(now, next);
                due.onTimeout(now);
                flush(due, flowOf(due));
            }
        }
        now = end;
    }
}

package io.pilot.engine.group;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pings, in the background, the providers an anycast ranked behind its first choice because their RTT is unknown
 * or higher. Lowest-RTT selection sends nothing to a provider in a worse step, so without a fresh measurement a
 * newcomer, or a replica whose RTT was read while it was still warming up, would only ever see the requests the
 * others failed: its session's smoothed RTT never gets a new sample. A ping answered within the interval is
 * fresher than that figure and may stand in for it (see {@link #recent}); the ping's own round trip excludes the
 * handshake (it starts on the established session). A provider's pings are spaced {@link #FIRST_HOLD_OFF} apart
 * at first, then twice as far each time, up to the interval: a replica that has just started answers its first
 * ping slowly (its JIT is cold, its process still busy starting up), and waiting a whole interval to measure it
 * again kept it unchosen for that long. One anycast starts at most {@link #PINGS_PER_ANYCAST}, so a large or
 * unanswering set of providers is not hammered: a provider is pinged about seven times in its first interval and
 * once per interval after that.
 */
final class RttProbe {

    /** Enough for a new replica or two per anycast; the next anycasts measure the rest. */
    static final int PINGS_PER_ANYCAST = 2;

    /** The least time between a provider's first and second ping; doubled for each one after, up to the interval. */
    static final Duration FIRST_HOLD_OFF = Duration.ofMillis(100);

    /** Doublings after which the hold-off stays at its cap (2^20 times the first is far beyond any interval). */
    private static final int MAX_DOUBLINGS = 20;

    /**
     * The last ping, sent at {@code sentAtNanos}, the {@code sent}-th to its provider; {@code rtt} and
     * {@code answeredAtNanos} of the last one answered.
     */
    private record Probe(long sentAtNanos, int sent, Duration rtt, long answeredAtNanos) {
    }

    private final PilotNode node;
    private final long intervalNanos;
    /** The last probe of each provider pinged; kept to hold off the next one and to stand in for the RTT. */
    private final Map<PilotAddress, Probe> probes = new ConcurrentHashMap<>();

    RttProbe(PilotNode node, Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("probe interval must not be negative");
        }
        this.node = node;
        this.intervalNanos = interval.toNanos();
    }

    /** The round trip the last answered ping to {@code address} took, however long ago; null if none. */
    Duration measured(PilotAddress address) {
        Probe probe = probes.get(address);
        return probe == null ? null : probe.rtt();
    }

    /** The round trip of a ping to {@code address} answered within the last interval; null if none was. */
    Duration recent(PilotAddress address, long nowNanos) {
        Probe probe = probes.get(address);
        return probe != null && probe.rtt() != null && nowNanos - probe.answeredAtNanos() < intervalNanos ? probe.rtt() : null;
    }

    /**
     * Pings the providers ranked behind {@code first} whose RTT is unknown or higher than the first's, each at most
     * once per interval and at most {@link #PINGS_PER_ANYCAST} of them.
     */
    void measureBehind(Candidate first, List<Candidate> behind) {
        int started = 0;
        for (Candidate candidate : behind) {
            if (started == PINGS_PER_ANYCAST) {
                return;
            }
            boolean worse = !candidate.rttKnown() || first.rttKnown() && candidate.rtt().compareTo(first.rtt()) > 0;
            if (worse && measure(candidate.member().address())) {
                started++;
            }
        }
    }

    private boolean measure(PilotAddress address) {
        long now = System.nanoTime();
        Probe previous = probes.get(address);
        if (previous != null && now - previous.sentAtNanos() < holdOffAfter(previous.sent())) {
            return false;
        }
        Probe sent = previous == null ? new Probe(now, 1, null, 0)
                : new Probe(now, previous.sent() + 1, previous.rtt(), previous.answeredAtNanos());
        boolean claimed = previous == null ? probes.putIfAbsent(address, sent) == null : probes.replace(address, previous, sent);
        if (claimed) {
            node.ping(address).thenAccept(rtt -> probes.replace(address, sent,
                    new Probe(now, sent.sent(), rtt, System.nanoTime())));
        }
        return claimed;
    }

    /** How long after the {@code sent}-th ping to a provider the next may go: doubling from the first hold-off. */
    long holdOffAfter(int sent) {
        long holdOff = FIRST_HOLD_OFF.toNanos() << Math.min(sent - 1, MAX_DOUBLINGS);
        return Math.min(holdOff, intervalNanos);
    }
}

package io.pilot.engine.group;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pings providers whose RTT is unknown, in the background. Lowest-RTT selection ranks an unmeasured
 * provider last, so without a measurement a newcomer would only ever see the requests the others failed;
 * after a ping, the newcomer competes on equal terms from the next anycast on. The ping's own round trip
 * stands in until the session's transport has an RTT sample of its own (one ping does not always give it
 * one). A provider is pinged at most once per interval, so one that does not answer is not hammered.
 */
final class RttProbe {

    /** A ping sent at {@code sentAtNanos}, and its round trip once answered. */
    private record Probe(long sentAtNanos, Duration rtt) {
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

    /** The round trip the last answered ping to {@code address} took. */
    Optional<Duration> measured(PilotAddress address) {
        return Optional.ofNullable(probes.get(address)).map(Probe::rtt);
    }

    void measure(List<Candidate> candidates) {
        for (Candidate candidate : candidates) {
            if (!candidate.rttKnown()) {
                measure(candidate.member().address());
            }
        }
    }

    private void measure(PilotAddress address) {
        long now = System.nanoTime();
        Probe previous = probes.get(address);
        if (previous != null && now - previous.sentAtNanos() < intervalNanos) {
            return;
        }
        Probe sent = new Probe(now, previous == null ? null : previous.rtt());
        boolean claimed = previous == null ? probes.putIfAbsent(address, sent) == null : probes.replace(address, previous, sent);
        if (claimed) {
            node.ping(address).thenAccept(rtt -> probes.replace(address, sent, new Probe(now, rtt)));
        }
    }
}

package io.pilot.engine.group;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pings providers whose RTT is unknown, in the background. Lowest-RTT selection ranks an unmeasured
 * provider last, so without a measurement a newcomer would only ever see the requests the others failed;
 * a ping opens a session and gives the transport its RTT sample, and from the next anycast on the
 * newcomer competes on equal terms. A provider is pinged at most once per interval, so one that does not
 * answer is not hammered.
 */
final class RttProbe {

    private final PilotNode node;
    private final long intervalNanos;
    /** When each provider was last pinged; forgotten once a ping succeeds, kept (to hold off) when it fails. */
    private final Map<PilotAddress, Long> lastProbe = new ConcurrentHashMap<>();

    RttProbe(PilotNode node, Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("probe interval must not be negative");
        }
        this.node = node;
        this.intervalNanos = interval.toNanos();
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
        Long previous = lastProbe.putIfAbsent(address, now);
        boolean due = previous == null || now - previous >= intervalNanos && lastProbe.replace(address, previous, now);
        if (due) {
            node.ping(address).thenRun(() -> lastProbe.remove(address, now));
        }
    }
}

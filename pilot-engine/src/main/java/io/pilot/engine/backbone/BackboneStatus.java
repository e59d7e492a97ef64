package io.pilot.engine.backbone;

import io.pilot.engine.PeerInfo;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a backbone's status page shows (docs/backbone-cluster.md, "Status page"): its groups with their live
 * member counts, its agents by path, the rates of registrations, lookups and relayed bytes, and the last joins
 * and leaves. {@link #sample} is called once a second: it reads the counters the backbone keeps anyway (rates
 * are differences between samples, over the last {@link #RATE_WINDOW_MILLIS}) and the registry's record changes
 * since the last sample (from its bounded history, so a sample costs the changes, not the realm's size).
 * {@link #snapshot} reads the rest when someone asks. Thread-safe.
 */
public final class BackboneStatus {

    private static final Logger log = LoggerFactory.getLogger(BackboneStatus.class);

    /** How often {@link #scheduleOn} samples. */
    static final long SAMPLE_PERIOD_MILLIS = 1_000;
    /** Joins and leaves kept for the page: the most recent ones. */
    static final int RECENT_CHANGES = 100;
    /** Rates are averaged over about this long: smooth enough to read, recent enough to follow a change. */
    static final long RATE_WINDOW_MILLIS = 5_000;

    /** What the collector reads from the backbone; the backbone gives its own, tests a fake one. */
    interface Source {
        /** The directory's revision. */
        long revision();

        /** The record changes after {@code revision}, or empty if some were forgotten. */
        Optional<List<ChangeHistory.Change<HeldRecord>>> changesSince(long revision);

        /** The live member count of each group that has members. */
        Map<String, Integer> groupMembers();

        int registrations();

        Counters counters();

        /** The backbone node's peers: the agents holding a session with it. */
        List<PeerInfo> peers();
    }

    /** Counters that only grow, sampled for the rates. */
    record Counters(long registrations, long lookups, long relayedBytes) {
    }

    private record Sample(long atMillis, Counters counters) {
    }

    private final Heading heading;
    private final Source source;
    private final LongSupplier clock;
    private final long startedAtMillis;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private final Deque<Change> recent = new ArrayDeque<>();
    private long seenRevision;
    private long missedChanges;

    /** Who the backbone is: shown at the top of the page. */
    record Heading(String address, int realm, String udpEndpoint) {
    }

    BackboneStatus(Heading heading, Source source, LongSupplier clockMillis) {
        this.heading = heading;
        this.source = source;
        this.clock = clockMillis;
        this.startedAtMillis = clockMillis.getAsLong();
        this.seenRevision = source.revision();
        sample();
    }

    /** Samples every {@link #SAMPLE_PERIOD_MILLIS} on {@code timer}; a failed sample is logged and the next one taken. */
    void scheduleOn(ScheduledExecutorService timer) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                sample();
            } catch (RuntimeException e) {
                log.warn("backbone status sample failed; taking the next one", e);
            }
        }, SAMPLE_PERIOD_MILLIS, SAMPLE_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Takes a sample of the counters and picks up the joins and leaves since the last one. */
    public synchronized void sample() {
        long now = clock.getAsLong();
        samples.addLast(new Sample(now, source.counters()));
        // Keep the samples of the window plus the one just before it, the rate's starting point.
        while (samples.size() > 2 && now - second(samples).atMillis() >= RATE_WINDOW_MILLIS) {
            samples.removeFirst();
        }
        long revision = source.revision();
        if (revision == seenRevision) {
            return;
        }
        Optional<List<ChangeHistory.Change<HeldRecord>>> changes = source.changesSince(seenRevision);
        if (changes.isEmpty()) {
            missedChanges++; // more changes in a second than the history holds, or the store was reloaded
        } else {
            for (ChangeHistory.Change change : changes.get()) {
                noteChange(change, now);
                // A change made between the two reads is noted now, so the next sample starts after it.
                revision = Math.max(revision, change.revision());
            }
        }
        seenRevision = revision;
    }

    private static Sample second(Deque<Sample> samples) {
        var iterator = samples.iterator();
        iterator.next();
        return iterator.next();
    }

    /** A new record is a join, a removed one a leave; a record replaced by its node's newer one is neither. */
    private void noteChange(ChangeHistory.Change<HeldRecord> change, long now) {
        if (change.before() == null && change.after() != null) {
            remember(new Change(now, "join", change.after().hostname, change.after().address.toString()));
        } else if (change.before() != null && change.after() == null) {
            remember(new Change(now, "leave", change.before().hostname, change.before().address.toString()));
        }
    }

    private void remember(Change change) {
        recent.addFirst(change);
        if (recent.size() > RECENT_CHANGES) {
            recent.removeLast();
        }
    }



    /** What the page shows now. */
    public Snapshot snapshot() {
        Map<String, Integer> members = source.groupMembers();
        int registrations = source.registrations();
        Agents agents = agents(source.peers(), registrations);
        synchronized (this) {
            Sample first = samples.peekFirst();
            Sample last = samples.peekLast();
            Rates rates = rates(first, last);
            List<Group> groups = members.entrySet().stream().map(e -> new Group(e.getKey(), e.getValue())).toList();
            return new Snapshot(heading.address(), heading.realm(), heading.udpEndpoint(), clock.getAsLong(),
                    (clock.getAsLong() - startedAtMillis) / 1_000, registrations, groups, agents, rates,
                    new Totals(last.counters().registrations(), last.counters().lookups(), last.counters().relayedBytes()),
                    List.copyOf(recent), missedChanges);
        }
    }

    private static Rates rates(Sample first, Sample last) {
        double seconds = (last.atMillis() - first.atMillis()) / 1_000.0;
        if (seconds <= 0) {
            return new Rates(0, 0, 0);
        }
        return new Rates((last.counters().registrations() - first.counters().registrations()) / seconds,
                (last.counters().lookups() - first.counters().lookups()) / seconds,
                (last.counters().relayedBytes() - first.counters().relayedBytes()) / seconds);
    }

    /**
     * The agents by how this backbone reaches them. A registration of a node without a session here is one
     * attached to another backbone of the realm (or whose session just ended).
     */
    static Agents agents(List<PeerInfo> peers, int registrations) {
        int direct = 0;
        int relayed = 0;
        int tcp = 0;
        for (PeerInfo peer : peers) {
            if (!peer.established()) {
                continue;
            }
            if (peer.overTcp()) {
                tcp++;
            } else if (peer.relayed()) {
                relayed++;
            } else {
                direct++;
            }
        }
        return new Agents(direct, relayed, tcp, Math.max(0, registrations - direct - relayed - tcp));
    }

    /**
     * The status of one backbone, as {@code /status.json} and the Actuator endpoint give it.
     *
     * @param address        the backbone's Pilot address
     * @param realm          its realm
     * @param udpEndpoint    the UDP endpoint it is bound to
     * @param atMillis       when this was read (epoch milliseconds)
     * @param uptimeSeconds  since the backbone role started
     * @param registrations  live registrations in the realm's directory as this backbone holds it
     * @param groups         groups with live members, by name
     * @param agents         agents by path
     * @param rates          per second, over the last few seconds
     * @param totals         the counters since start
     * @param recent         the last joins and leaves, newest first (at most 100)
     * @param missedChanges  samples whose changes could not all be read (more than the history holds): the
     *                       list of joins and leaves has gaps
     */
    public record Snapshot(String address, int realm, String udpEndpoint, long atMillis, long uptimeSeconds,
                           int registrations, List<Group> groups, Agents agents, Rates rates, Totals totals,
                           List<Change> recent, long missedChanges) {
    }

    /** A group and how many live records list it. */
    public record Group(String name, int members) {
    }

    /**
     * Agents by how this backbone reaches them: {@code direct} over UDP, {@code relayed} through another relay,
     * {@code tcp} over a WebSocket (docs/reach.md), {@code elsewhere} registered without a session here
     * (attached to another backbone of the realm).
     */
    public record Agents(int direct, int relayed, int tcp, int elsewhere) {
    }

    /** Registration requests, lookup requests and relayed bytes per second. */
    public record Rates(double registrationsPerSecond, double lookupsPerSecond, double relayBytesPerSecond) {
    }

    /** Registration requests, lookup requests and relayed bytes since the backbone started. */
    public record Totals(long registrationRequests, long lookupRequests, long relayedBytes) {
    }

    /** A join or a leave ({@code kind}) of the node {@code hostname} at {@code address}, seen at {@code atMillis}. */
    public record Change(long atMillis, String kind, String hostname, String address) {
    }
}

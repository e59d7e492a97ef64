package io.pilot.engine.group;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.message.ReplyFuture;
import io.pilot.engine.session.PeerSnapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Sends a request to one provider of a capability, chosen by a {@link SelectionPolicy}, and moves on to the
 * next candidate only when the request certainly or very probably did not run there: the provider could not
 * be reached, the connection dropped, nothing listened on the port, or it had no capacity. A remote failure
 * or a timeout is final, since the request may have taken effect and need not be idempotent.
 *
 * <p>A provider that failed as if it were gone is put in {@link Quarantine}: later anycasts rank it after
 * every other provider, so a dead provider costs one failure, not one per call until its lease lapses. When its turn
 * comes all the same (no other provider is left), the request goes to it only once it has answered a ping; while the
 * ping waits (a dead provider's for the handshake's connect timeout), a provider that turns up is asked instead. So a
 * call does not sit on a provider known to have failed while another is there or joins.
 */
final class Anycaster {

    /** Errors after which another provider is asked. */
    private static final Set<ErrorCode> FAILOVER = EnumSet.of(ErrorCode.UNREACHABLE, ErrorCode.CONNECTION_LOST,
            ErrorCode.NO_LISTENER, ErrorCode.OVERLOADED);

    /** Errors after which the provider is set aside: it may be gone (overloaded is alive, and soon has room). */
    private static final Set<ErrorCode> QUARANTINE = EnumSet.of(ErrorCode.UNREACHABLE, ErrorCode.CONNECTION_LOST,
            ErrorCode.NO_LISTENER, ErrorCode.TIMEOUT);

    private final RecordSource source;
    private final SelectionPolicy policy;
    private final int maxAttempts;
    private final RttProbe probe;
    private final PilotNode node;
    private final Quarantine quarantine;
    private final InFlightCounts inFlight = new InFlightCounts();

    /** @param node whose sessions' RTTs rank the providers */
    Anycaster(RecordSource source, SelectionPolicy policy, int maxAttempts, RttProbe probe, PilotNode node,
              Quarantine quarantine) {
        this.source = source;
        this.policy = policy;
        this.maxAttempts = maxAttempts;
        this.probe = probe;
        this.node = node;
        this.quarantine = quarantine;
    }

    /**
     * Anycasts to providers of {@code capability}, only those in {@code group} unless it is null. The future is
     * the node's own ({@link ReplyFuture}), so a caller blocked on it is woken straight from the event loop; the
     * first call to a capability fills it once the watch's snapshot is in. {@code timeout} bounds the whole
     * anycast, failovers included (each attempt gets what is left of it); null: each attempt gets the node's
     * request timeout. Cancelling the future cancels the attempt in flight (its stream is reset, so the provider's
     * handler sees {@code CANCELLED}) and makes no other.
     */
    CompletableFuture<AnycastReply> anycast(String group, String capability, int port, Message request, Duration timeout) {
        long start = System.nanoTime();
        ReplyFuture<AnycastReply> result = source.client().node().newFuture();
        CompletableFuture<List<NodeRecord>> providers = source.providers(capability);
        if (providers.isDone() && !providers.isCompletedExceptionally()) {
            send(providers.join(), group, capability, port, request, start, timeout, result);
        } else {
            // The anycast's own future from the start, not a composition: a caller's cancel must reach the attempt.
            providers.whenComplete((records, error) -> {
                if (error != null) {
                    result.deliverFailure(Errors.unwrap(error));
                } else {
                    send(records, group, capability, port, request, start, timeout, result);
                }
            });
        }
        return result;
    }

    private void send(List<NodeRecord> records, String group, String capability, int port, Message request, long start,
            Duration timeout, ReplyFuture<AnycastReply> result) {
        if (result.isCancelled()) {
            return; // the caller gave up while the providers were being looked up
        }
        List<Candidate> ordered;
        try {
            ordered = order(candidates(eligible(records, group)));
        } catch (RuntimeException e) {
            result.deliverFailure(e); // a selection policy that threw
            return;
        }
        if (ordered.isEmpty()) {
            result.deliverFailure(new PilotException(ErrorCode.UNREACHABLE, "no live node"
                    + (group == null ? "" : " of group " + group) + " offers " + capability));
            return;
        }
        probe.measureBehind(ordered.get(0), ordered.subList(1, ordered.size()));
        Attempts attempts = new Attempts(group, capability, ordered, port, request, start,
                timeout == null ? -1 : start + timeout.toNanos(), result);
        // A caller that cancels the anycast cancels the attempt in flight: its provider stops the work (a reset stream).
        result.whenComplete((reply, error) -> {
            if (result.isCancelled()) {
                attempts.cancel();
            }
        });
        attempts.next();
    }

    /** Providers other than this node, in the group if one is given, each once. */
    private List<NodeRecord> eligible(List<NodeRecord> records, String group) {
        PilotAddress self = source.client().node().address();
        if (records.size() == 1) { // the common case, without the copies below: this runs for every anycast
            NodeRecord only = records.get(0);
            boolean fits = !only.address().equals(self) && (group == null || only.groups().contains(group));
            return fits ? List.of(only) : List.of();
        }
        Map<PilotAddress, NodeRecord> eligible = new LinkedHashMap<>();
        for (NodeRecord record : records) {
            if (!record.address().equals(self) && (group == null || record.groups().contains(group))) {
                eligible.putIfAbsent(record.address(), record);
            }
        }
        return List.copyOf(eligible.values());
    }

    /**
     * RTT from the session's transport, unless a recent probe measured less (the transport's smoothed figure goes
     * stale for a provider that is sent nothing); with no session figure, the last probe's; null if neither has one.
     */
    private List<Candidate> candidates(List<NodeRecord> records) {
        if (records.isEmpty()) {
            return List.of();
        }
        long now = System.nanoTime();
        List<Candidate> candidates = new ArrayList<>(records.size());
        for (NodeRecord record : records) {
            candidates.add(new Candidate(record, rttOf(record.address(), now), inFlight.of(record.address())));
        }
        return candidates;
    }

    private Duration rttOf(PilotAddress provider, long now) {
        Duration session = node.peerSnapshot(provider).filter(PeerSnapshot::established).map(PeerSnapshot::smoothedRtt)
                .orElse(null);
        Duration recent = probe.recent(provider, now);
        if (recent != null && (session == null || recent.compareTo(session) < 0)) {
            return recent;
        }
        return session != null ? session : probe.measured(provider);
    }

    /**
     * The policy's order of the providers not in quarantine; then, if that leaves attempts to spare, of those
     * in quarantine: set aside is not written off, and when every provider failed lately one is still asked.
     */
    private List<Candidate> order(List<Candidate> candidates) {
        long now = System.nanoTime();
        List<Candidate> trusted = new ArrayList<>(candidates.size());
        List<Candidate> held = new ArrayList<>();
        for (Candidate candidate : candidates) {
            (quarantine.holds(candidate.member(), now) ? held : trusted).add(candidate);
        }
        List<Candidate> ordered = trusted.isEmpty() ? List.of() : policy.order(trusted);
        if (held.isEmpty() || ordered.size() >= maxAttempts) {
            return ordered;
        }
        List<Candidate> all = new ArrayList<>(ordered);
        all.addAll(policy.order(held));
        return all;
    }

    /**
     * One anycast's walk down its candidates. Each attempt's outcome is taken on the thread that delivers it
     * (the event loop) with {@link ReplyFuture#whenDelivered}: only the failover decision runs there, no user
     * code, and the final outcome is delivered to the anycast's own future from there, without a hand-off.
     *
     * <p>A candidate found in quarantine when its turn comes is {@link Vetting vetted} before the request is handed to
     * it (it may have been set aside since the anycast ranked it, by another anycast's failure): pinged, and asked
     * only once the ping answers; if a provider not in quarantine turns up meanwhile, that one is asked instead in the
     * same turn. So the request is never queued behind a handshake with a provider known to have failed, and exactly
     * one copy of it is ever in flight: a turn hands it to one provider, and the next turn starts only after that one
     * ended with an error that says it did not run there.
     */
    private final class Attempts {
        private final String group;
        private final String capability;
        private final List<Candidate> candidates;
        private final int port;
        private final Message request;
        private final long start;
        /** When the anycast's own timeout ends (System.nanoTime), or -1 when each attempt has the node's timeout. */
        private final long deadline;
        private final ReplyFuture<AnycastReply> result;
        /**
         * Written by one turn's continuation at a time: each next turn starts only after the last one ended. The
         * provider each failed turn went to, and why it failed, in turn order.
         */
        private final List<NodeRecord> asked = new ArrayList<>();
        private final List<Throwable> failures = new ArrayList<>();
        /**
         * Providers this anycast has taken a turn on (asked or vetted), never taken again. Also read by a vetting's
         * rechecks, on a timer thread, each scheduled after the last add; one that overlaps a later turn's add read it
         * after its vetting was settled, and its answer is dropped unread.
         */
        private final List<PilotAddress> taken = new ArrayList<>();
        /** The turn in progress (an attempt or a vetting), or null before the first; read by a caller's cancel. */
        private volatile Runnable current;

        Attempts(String group, String capability, List<Candidate> candidates, int port, Message request, long start,
                long deadline, ReplyFuture<AnycastReply> result) {
            this.group = group;
            this.capability = capability;
            this.candidates = candidates;
            this.port = port;
            this.request = request;
            this.start = start;
            this.deadline = deadline;
            this.result = result;
        }

        /** Takes the next turn on the first candidate not taken yet; the caller made sure there is one. */
        void next() {
            NodeRecord member = untaken();
            taken.add(member.address());
            if (quarantine.holds(member, System.nanoTime())) {
                vet(member);
            } else {
                ask(member);
            }
        }

        /** The first candidate in order this anycast has not taken a turn on; null if none is left. */
        private NodeRecord untaken() {
            for (Candidate candidate : candidates) {
                if (!taken.contains(candidate.member().address())) {
                    return candidate.member();
                }
            }
            return null;
        }

        /** Hands the request to {@code member}. */
        private void ask(NodeRecord member) {
            long left = deadline == -1 ? 0 : deadline - System.nanoTime();
            if (deadline != -1 && left <= 0) {
                result.deliverFailure(new PilotException(ErrorCode.TIMEOUT, "no reply within the anycast's timeout"));
                return;
            }
            inFlight.started(member.address());
            PilotSocketAddress target = new PilotSocketAddress(member.address(), port);
            Attempt attempt = new Attempt(member, deadline == -1 ? source.client().node().request(target, request)
                    : source.client().node().request(target, request, Duration.ofNanos(left)));
            current = attempt::cancel;
            if (result.isCancelled()) {
                attempt.cancel(); // cancelled while this attempt was being made: the cancel may have read the last one
                return;
            }
            attempt.reply.whenDelivered((reply, error) -> {
                try {
                    if (attempt.end()) {
                        ended(member, reply, error);
                    }
                } catch (RuntimeException bug) {
                    // Never leave the caller waiting, and never throw into the loop that delivered.
                    result.deliverFailure(bug);
                }
            });
        }

        /** {@code member} is in quarantine: asks it once it answers a ping, or whoever not in quarantine turns up first. */
        private void vet(NodeRecord member) {
            Vetting vetting = new Vetting(node, member, deadline, this::fresh, new Vetting.Outcome() {
                @Override
                public void answered() {
                    quarantine.release(member.address()); // it answered: it is there, whatever failed before
                    guarded(() -> ask(member));
                }

                @Override
                public void failed(Throwable cause) {
                    // The request was not sent: whatever the ping met, asking another cannot run the request twice.
                    Throwable why = Errors.unwrap(cause);
                    guarded(() -> ended(member, null, new PilotException(ErrorCode.UNREACHABLE,
                            "in quarantine after an earlier failure, and its ping failed: " + why.getMessage(), why)));
                }

                @Override
                public void replaced(NodeRecord fresh) {
                    guarded(() -> {
                        taken.add(fresh.address());
                        ask(fresh);
                    });
                }

                @Override
                public void broken(Throwable bug) {
                    result.deliverFailure(bug); // as a selection policy that threw when the anycast began
                }

                @Override
                public void timedOut() {
                    result.deliverFailure(new PilotException(ErrorCode.TIMEOUT, "no reply within the anycast's timeout: "
                            + member.hostname() + " was in quarantine and did not answer a ping in time, and no other "
                            + "provider turned up"));
                }
            });
            current = vetting::cancel;
            if (result.isCancelled()) {
                vetting.cancel();
                return;
            }
            vetting.start();
        }

        /** Runs a turn's continuation without ever leaving the caller waiting or throwing into the thread that ran it. */
        private void guarded(Runnable continuation) {
            if (result.isCancelled()) {
                return;
            }
            try {
                continuation.run();
            } catch (RuntimeException bug) {
                result.deliverFailure(bug);
            }
        }

        /** The best provider now that is neither in quarantine nor taken by this anycast, from memory; empty if none. */
        private CompletableFuture<Optional<NodeRecord>> fresh() {
            return source.providers(capability).thenApply(records -> {
                long now = System.nanoTime();
                List<NodeRecord> open = new ArrayList<>();
                for (NodeRecord record : eligible(records, group)) {
                    if (!taken.contains(record.address()) && !quarantine.holds(record, now)) {
                        open.add(record);
                    }
                }
                return open.isEmpty() ? Optional.empty() : Optional.of(policy.order(candidates(open)).get(0).member());
            });
        }

        /** The caller cancelled the anycast: the turn in progress is cancelled, and no other is taken. */
        void cancel() {
            Runnable turn = current;
            if (turn != null) {
                turn.run();
            }
        }

        /** The turn at {@code member} ended: deliver the anycast's outcome, or take the next turn. */
        private void ended(NodeRecord member, Message reply, Throwable error) {
            PilotAddress address = member.address();
            if (result.isCancelled()) {
                return; // the caller is gone: no failover on its behalf
            }
            if (error == null) {
                quarantine.release(address);
                result.deliver(new AnycastReply(reply, member, Duration.ofNanos(System.nanoTime() - start),
                        failures.size() + 1));
                return;
            }
            Throwable cause = Errors.unwrap(error);
            asked.add(member);
            failures.add(cause);
            if (cause instanceof PilotException p && QUARANTINE.contains(p.code())) {
                quarantine.add(member, System.nanoTime());
            }
            boolean failover = cause instanceof PilotException p && FAILOVER.contains(p.code());
            if (failover && failures.size() < maxAttempts && untaken() != null) {
                next();
            } else {
                result.deliverFailure(failures.size() == 1 || !failover ? cause : exhausted(cause));
            }
        }

        /**
         * One request to one provider. It ends once, by its delivery or by a cancel (a cancelled request is never
         * delivered), and whichever comes first gives back the provider's in-flight count.
         */
        private final class Attempt {
            private final NodeRecord member;
            private final ReplyFuture<Message> reply;
            private final AtomicBoolean ended = new AtomicBoolean();

            Attempt(NodeRecord member, ReplyFuture<Message> reply) {
                this.member = member;
                this.reply = reply;
            }

            /** True for the one caller that ends it. */
            boolean end() {
                if (!ended.compareAndSet(false, true)) {
                    return false;
                }
                inFlight.ended(member.address());
                return true;
            }

            void cancel() {
                if (end()) {
                    reply.cancel(true); // resets the request's stream: the provider's handler sees CANCELLED
                }
            }
        }

        /** Every candidate failed over: says what happened at each, keeping the last code for callers to switch on. */
        private PilotException exhausted(Throwable last) {
            String tried = IntStream.range(0, failures.size())
                    .mapToObj(i -> asked.get(i).hostname() + ": " + failures.get(i).getMessage())
                    .collect(Collectors.joining("; "));
            PilotException error = new PilotException(((PilotException) last).code(), "no provider answered ("
                    + tried + ")", last);
            failures.subList(0, failures.size() - 1).forEach(error::addSuppressed);
            return error;
        }
    }
}

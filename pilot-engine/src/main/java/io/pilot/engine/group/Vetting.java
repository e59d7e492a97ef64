package io.pilot.engine.group;

import io.pilot.engine.PilotNode;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.ReplyFuture;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Decides whether an anycast may hand its request to a provider in {@link Quarantine}, before it does: the provider is
 * pinged, and only a ping answered says it is there again. Meanwhile the providers are read again from memory every
 * {@link #RECHECK}; one that is not in quarantine (a newcomer the watch pushed, or one that published a newer record)
 * is asked instead at once. A dead provider's ping waits out the handshake's connect timeout, and without this the
 * request waited it out in the ping's place, however soon another provider joined. Since the request is not sent
 * until the ping answers, giving way to another provider never leaves a copy of it behind: a provider that answers
 * late has only answered a ping. Exactly one outcome is reported, once, from whichever thread settles it (the event
 * loop for the ping, the recheck's timer thread for a newcomer or the deadline, a caller's for a cancel).
 */
final class Vetting {

    /** How often the providers are read again while the ping waits: a map in memory, no backbone round trip. */
    static final Duration RECHECK = Duration.ofMillis(20);

    /** What became of the vetting; exactly one of these is called, once, unless it was cancelled. */
    interface Outcome {
        /** The held provider answered its ping: the request may go to it. */
        void answered();

        /** The ping failed ({@code cause}: unreachable, the connection lost...). */
        void failed(Throwable cause);

        /** A provider not in quarantine is there: the request goes to it instead. */
        void replaced(NodeRecord fresh);

        /** The anycast's deadline passed first. */
        void timedOut();

        /** Reading the providers again failed ({@code bug}: a selection policy that threw, say). */
        void broken(Throwable bug);
    }

    private final PilotNode node;
    private final NodeRecord held;
    private final long deadline;
    private final Supplier<CompletableFuture<Optional<NodeRecord>>> fresh;
    private final Outcome outcome;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile ReplyFuture<Duration> ping;

    /**
     * @param deadline when the anycast runs out of time ({@link System#nanoTime}), or -1 when it has no bound of its
     *                 own (the ping's: the connect timeout, then the node's request timeout)
     * @param fresh the best provider not in quarantine and not yet asked by this anycast, read from memory
     */
    Vetting(PilotNode node, NodeRecord held, long deadline, Supplier<CompletableFuture<Optional<NodeRecord>>> fresh,
            Outcome outcome) {
        this.node = node;
        this.held = held;
        this.deadline = deadline;
        this.fresh = fresh;
        this.outcome = outcome;
    }

    NodeRecord held() {
        return held;
    }

    void start() {
        ReplyFuture<Duration> sent = node.ping(held.address());
        ping = sent;
        sent.whenDelivered((rtt, error) -> {
            if (settle()) {
                if (error == null) {
                    outcome.answered();
                } else {
                    outcome.failed(error);
                }
            }
        });
        recheckLater();
    }

    /** The anycast was cancelled: reports nothing more. */
    void cancel() {
        if (settle()) {
            ReplyFuture<Duration> sent = ping;
            if (sent != null) {
                sent.cancel(true);
            }
        }
    }

    private boolean settle() {
        return settled.compareAndSet(false, true);
    }

    private void recheckLater() {
        long delay = RECHECK.toNanos();
        if (deadline != -1) {
            delay = Math.max(0, Math.min(delay, deadline - System.nanoTime()));
        }
        CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS).execute(this::recheck);
    }

    private void recheck() {
        if (settled.get()) {
            return;
        }
        if (deadline != -1 && deadline - System.nanoTime() <= 0) {
            if (settle()) {
                outcome.timedOut();
            }
            return;
        }
        CompletableFuture<Optional<NodeRecord>> found;
        try {
            found = fresh.get();
        } catch (RuntimeException e) {
            found = CompletableFuture.failedFuture(e); // a selection policy that threw
        }
        // The next recheck is armed only once this one is answered: a read that goes to the backbone (no watch) never
        // piles up behind a slow one.
        found.whenComplete((provider, error) -> {
            if (settled.get()) {
                return;
            }
            if (error != null) {
                if (settle()) {
                    outcome.broken(Errors.unwrap(error));
                }
            } else if (provider.isPresent()) {
                if (settle()) {
                    outcome.replaced(provider.get());
                }
            } else {
                recheckLater();
            }
        });
    }
}

package io.pilot.engine.transport;

/**
 * Datagram packetization layer path MTU discovery (DPLPMTUD, RFC 8899 §5) for one path: which datagram size the
 * path is known to carry without fragmentation (the PLPMTU), found by probes and never by trusting ICMP alone.
 * Sizes are whole UDP payloads, the datagrams the session layer writes.
 *
 * <p>The states of RFC 8899 §5.2: {@link State#BASE} confirms that the path carries the base size (1232, what
 * every path of 1280 bytes carries); {@link State#SEARCHING} probes larger sizes, first up a ladder of common
 * link MTUs, then, once a size failed, by halving the gap between the largest that passed and the smallest that
 * failed; {@link State#SEARCH_COMPLETE} holds the result until the raise timer ({@link #RAISE_INTERVAL_NANOS})
 * starts a new search from it; {@link State#ERROR} means even the base size went unanswered, and is left as soon
 * as a base probe gets through. A probe counts as failed after {@link #MAX_PROBES} losses of its size.
 *
 * <p>Black holes (RFC 8899 §4.3): when {@link #BLACK_HOLE_LOSSES} datagrams larger than the base in a row are
 * lost with none of that size acknowledged between them, while smaller ones still get through, the path no
 * longer carries the PLPMTU (a route changed, a tunnel appeared, ICMP is filtered): the PLPMTU falls back to the
 * base and the search starts over, below the size that failed. A size the local stack refuses outright (the
 * socket's EMSGSIZE under IP_PMTUDISC_DO) is {@link #tooBig}: it and everything above it is off the table.
 *
 * <p>The search only decides; the caller sends the probes (an ack-eliciting packet padded to the size, which is
 * lost or acknowledged like any other but not counted as congestion) and reports what became of them. Not
 * thread-safe: one instance per path, confined to its connection's thread.
 */
public final class PathMtuSearch {

    /** RFC 8899 §5.2. */
    public enum State { BASE, SEARCHING, SEARCH_COMPLETE, ERROR }

    /** Losses of one probe size before that size counts as too large (MAX_PROBES, RFC 8899 §5.1.2). */
    public static final int MAX_PROBES = 3;
    /** After a completed search, when to look for a larger size again (PMTU_RAISE_TIMER, 600 s). */
    public static final long RAISE_INTERVAL_NANOS = 600_000_000_000L;
    /** Consecutive losses of datagrams above the base, none of them acknowledged in between, that mean a black hole. */
    public static final int BLACK_HOLE_LOSSES = 3;
    /** The search stops once the gap between a passed and a failed size is under this many bytes. */
    public static final int MIN_STEP = 64;
    /** Common link MTUs as UDP payloads over IPv6 (MTU − 40 − 8): Ethernet, 4 KiB links, jumbo frames, 16 KiB. */
    static final int[] LADDER = {1452, 4048, 8952, 16336};

    private final int base;
    private final int max;
    private final int maxProbes;
    private State state = State.BASE;
    private int plpmtu;
    /** Smallest size known not to pass (exclusive upper bound of the search), or max + 1. */
    private int ceiling;
    private int probeSize;
    private int lossesOfProbe;
    private boolean probeInFlight;
    private long raiseAtNanos;
    private int largeLossesInARow;
    private boolean smallAckedSinceLargeLoss;

    /**
     * @param base the size every path is assumed to carry, which the search first confirms (BASE_PLPMTU)
     * @param max the largest size worth probing: what this node and its peer can send and receive (MAX_PLPMTU)
     * @throws IllegalArgumentException if {@code max < base} or {@code base < 1}
     */
    public PathMtuSearch(int base, int max) {
        this(base, max, MAX_PROBES);
    }

    /**
     * As {@link #PathMtuSearch(int, int)}, with {@code maxProbes} losses of a size before it counts as too large
     * (for a path that may lose more first probes than a direct one, e.g. to receive buffers growing on the way).
     *
     * @throws IllegalArgumentException also if {@code maxProbes < 1}
     */
    public PathMtuSearch(int base, int max, int maxProbes) {
        if (base < 1 || max < base || maxProbes < 1) {
            throw new IllegalArgumentException("need 1 <= base <= max and maxProbes >= 1, got base " + base + ", max "
                    + max + ", maxProbes " + maxProbes);
        }
        this.base = base;
        this.max = max;
        this.maxProbes = maxProbes;
        this.plpmtu = base;
        this.ceiling = max + 1;
        this.probeSize = base;
    }

    public State state() {
        return state;
    }

    /** The validated size: what full datagrams on this path may be. Never below the base. */
    public int plpmtu() {
        return plpmtu;
    }

    /**
     * The size to probe now, or 0 when no probe is due: one probe is in flight at a time; none while the search
     * is complete until the raise timer fires (which restarts it) or in ERROR beyond re-probing the base.
     */
    public int probeDue(long nowNanos) {
        if (probeInFlight) {
            return 0;
        }
        if (state == State.SEARCH_COMPLETE) {
            if (nowNanos - raiseAtNanos < 0) {
                return 0;
            }
            ceiling = max + 1; // the path may have grown: search again above what holds now
            enterSearching(nowNanos);
            if (state != State.SEARCHING) {
                return 0;
            }
        }
        return probeSize;
    }

    /** A probe of {@code size} left (as {@link #probeDue} asked). */
    public void probeSent(int size) {
        if (size == probeSize) {
            probeInFlight = true;
        }
    }

    /** A probe of {@code size} was acknowledged: the path carries it. */
    public void probeAcknowledged(int size, long nowNanos) {
        if (size != probeSize || !probeInFlight) {
            return; // a late answer to an older probe: its size was already decided
        }
        probeInFlight = false;
        lossesOfProbe = 0;
        if (state == State.BASE || state == State.ERROR) {
            plpmtu = base;
            enterSearching(nowNanos);
        } else if (state == State.SEARCHING) {
            plpmtu = size;
            nextCandidate(nowNanos);
        }
    }

    /** A probe of {@code size} was declared lost; after {@link #MAX_PROBES} (or the given) losses the size counts as too large. */
    public void probeLost(int size, long nowNanos) {
        if (size != probeSize || !probeInFlight) {
            return;
        }
        probeInFlight = false;
        if (++lossesOfProbe < maxProbes) {
            return;
        }
        lossesOfProbe = 0;
        if (state == State.BASE) {
            state = State.ERROR; // keeps probing the base: the path may come back
        } else if (state == State.SEARCHING) {
            ceiling = size;
            nextCandidate(nowNanos);
        }
    }

    /** The local stack refused to send {@code size} (EMSGSIZE): it and anything larger cannot pass this path. */
    public void tooBig(int size, long nowNanos) {
        if (size <= base || size >= ceiling) {
            return;
        }
        ceiling = size;
        if (plpmtu >= size) {
            fallBackToBase();
        } else if (state == State.SEARCHING && probeSize >= size) {
            probeInFlight = false;
            lossesOfProbe = 0;
            nextCandidate(nowNanos);
        }
    }

    /** An ordinary (non-probe) datagram of {@code size} was acknowledged. */
    public void acknowledged(int size) {
        if (size > base) {
            largeLossesInARow = 0;
        } else if (largeLossesInARow > 0) {
            smallAckedSinceLargeLoss = true;
        }
    }

    /** An ordinary (non-probe) datagram of {@code size} was declared lost. */
    public void lost(int size) {
        if (size <= base || size > plpmtu) {
            return; // within the base the path cannot be at fault; above the PLPMTU it was a probe's business
        }
        if (largeLossesInARow++ == 0) {
            smallAckedSinceLargeLoss = false;
        }
        if (largeLossesInARow >= BLACK_HOLE_LOSSES && smallAckedSinceLargeLoss) {
            ceiling = plpmtu;
            fallBackToBase();
        }
    }

    private void fallBackToBase() {
        plpmtu = base;
        state = State.BASE;
        probeSize = base;
        probeInFlight = false;
        lossesOfProbe = 0;
        largeLossesInARow = 0;
    }

    private void enterSearching(long nowNanos) {
        state = State.SEARCHING;
        nextCandidate(nowNanos);
    }

    private void nextCandidate(long nowNanos) {
        probeSize = candidateAbove(plpmtu);
        if (probeSize == 0) {
            complete(nowNanos);
        }
    }

    /** The next size to try above {@code passed}: the next rung of the ladder below the ceiling, else halfway to the ceiling; 0 when done. */
    private int candidateAbove(int passed) {
        if (ceiling > max) {
            for (int rung : LADDER) {
                if (rung > passed) {
                    return Math.min(rung, max) > passed ? Math.min(rung, max) : 0;
                }
            }
            return max > passed ? max : 0;
        }
        if (ceiling - passed <= MIN_STEP) {
            return 0;
        }
        return passed + (ceiling - passed) / 2;
    }

    private void complete(long nowNanos) {
        state = State.SEARCH_COMPLETE;
        probeSize = 0;
        raiseAtNanos = nowNanos + RAISE_INTERVAL_NANOS;
    }
}

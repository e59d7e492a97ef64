package io.pilot.engine.crypto;

import java.util.Arrays;

/**
 * Sliding anti-replay window over packet counters (RFC 6479 style), so each authenticated packet
 * of a data channel is accepted at most once even though UDP may reorder and duplicate packets.
 *
 * <p>The window is a ring of 256 64-bit words (2 KiB). It remembers the greatest accepted
 * counter {@code g} and accepts a counter {@code c} when it is below the reject limit and either
 * {@code c > g} or {@code g - c < }{@value #WINDOW_SIZE} and {@code c} was not seen before. One ring
 * word is kept as slack so that advancing the window only ever clears whole words.
 *
 * <p>The ring starts at {@value #INITIAL_WORDS} words and grows to its full size the first time a counter
 * beyond them is accepted: until then every counter since 0 has a word of its own, so the small ring decides
 * exactly as the full one would. An idle session (a backbone holds 100,000 of them, each with a heartbeat every
 * few seconds) sees a few hundred packets under one key pair and never needs the 2 KiB; a busy one pays for the
 * full ring once, after its first {@value #INITIAL_WORDS}&times;64 packets.
 *
 * <p>Usage on the receive path: {@link #check} before decrypting (cheap rejection of replays),
 * then {@link #update} only after the packet authenticated, so forged packets cannot move the
 * window. Not thread-safe: confine to the thread that owns the receiving {@link PacketCipher}.
 */
public final class ReplayWindow {

    private static final int WORD_BITS = Long.SIZE;
    private static final int RING_WORDS = 256;
    private static final int RING_MASK = RING_WORDS - 1;
    /** Words of the ring until a counter needs more: 256 counters, a key pair's share of a quiet session. */
    private static final int INITIAL_WORDS = 4;

    /** Number of counters, ending at the greatest accepted one, within which reordering is tolerated. */
    public static final int WINDOW_SIZE = (RING_WORDS - 1) * WORD_BITS;

    /** {@link #INITIAL_WORDS} words until the first counter beyond them, then {@link #RING_WORDS}. */
    private long[] ring = new long[INITIAL_WORDS];
    private final long rejectLimit;
    private long greatest;

    /** Creates a window rejecting counters {@code >=} {@link PacketCipher#DEFAULT_COUNTER_LIMIT}. */
    public ReplayWindow() {
        this(PacketCipher.DEFAULT_COUNTER_LIMIT);
    }

    /** Creates a window rejecting counters {@code >= rejectLimit}. */
    public ReplayWindow(long rejectLimit) {
        if (rejectLimit <= 0) {
            throw new IllegalArgumentException("reject limit must be positive: " + rejectLimit);
        }
        this.rejectLimit = rejectLimit;
    }

    /**
     * Returns whether {@code counter} would be accepted now: in range, not too old and not seen.
     * Does not change the window.
     */
    public boolean check(long counter) {
        if (counter < 0 || counter >= rejectLimit) {
            return false;
        }
        if (counter > greatest) {
            return true;
        }
        if (greatest - counter >= WINDOW_SIZE) {
            return false;
        }
        // Not wrapped yet while the ring is small: counter <= greatest lies within it.
        return (ring[wordIndex(counter)] & bit(counter)) == 0;
    }

    /**
     * Accepts {@code counter} and marks it seen, sliding the window forward if it is the newest.
     * Call only once the packet carrying it has authenticated.
     *
     * @return {@code false} (leaving the window unchanged) if {@link #check} would reject it
     */
    public boolean update(long counter) {
        if (!check(counter)) {
            return false;
        }
        if (counter > greatest) {
            long currentWord = greatest / WORD_BITS;
            long newWord = counter / WORD_BITS;
            if (newWord >= ring.length && ring.length < RING_WORDS) {
                // Words 0..INITIAL_WORDS-1 sit at the same index in the full ring: no word has wrapped yet.
                ring = Arrays.copyOf(ring, RING_WORDS);
            }
            long toClear = Math.min(newWord - currentWord, RING_WORDS);
            for (long w = 1; w <= toClear; w++) {
                ring[(int) ((currentWord + w) & RING_MASK)] = 0;
            }
            greatest = counter;
        }
        ring[wordIndex(counter)] |= bit(counter);
        return true;
    }

    private static int wordIndex(long counter) {
        return (int) ((counter / WORD_BITS) & RING_MASK);
    }

    private static long bit(long counter) {
        return 1L << (counter & (WORD_BITS - 1));
    }
}

package io.pilot.engine.message;

/**
 * The caller's side of a streamed reply's flow control: how much credit to grant the server so that items arrive
 * ahead of the consumer's demand, but never more than {@code window} items are on their way or waiting to be
 * delivered, and never more than the consumer asked for. Credit is granted in batches: once half of what the
 * consumer could take is used, the window is topped up with one CREDIT frame, not one per item.
 *
 * <p>Counts are totals since the stream began; the consumer's demand saturates at {@link Long#MAX_VALUE}
 * (unbounded, as in {@code request(Long.MAX_VALUE)}). Not thread-safe: the event loop owns it.
 */
final class CreditWindow {

    private final int window;
    private long demanded;
    private long granted;
    private long received;
    private long delivered;

    CreditWindow(int window) {
        if (window < 1 || window > StreamCredit.MAX_OUTSTANDING) {
            throw new IllegalArgumentException("window must be 1.." + StreamCredit.MAX_OUTSTANDING + " items, got "
                    + window);
        }
        this.window = window;
    }

    /** The consumer asked for {@code n} (≥ 1) more items. */
    void demand(long n) {
        demanded = demanded + n < 0 ? Long.MAX_VALUE : demanded + n;
    }

    /** An item arrived; false if the server had no credit left for it (a protocol violation). */
    boolean received() {
        if (received == granted) {
            return false;
        }
        received++;
        return true;
    }

    /** {@code n} items were handed to the consumer. */
    void delivered(long n) {
        delivered += n;
    }

    /**
     * The credit to grant now, and counted as granted: 0 while at least half of what the consumer could take is
     * still on its way or waiting.
     */
    int grant() {
        long wanted = Math.min(window, demanded - delivered);
        long outstanding = granted - delivered;
        if (wanted <= outstanding || outstanding > wanted / 2) {
            return 0;
        }
        int credit = (int) (wanted - outstanding);
        granted += credit;
        return credit;
    }

    /** Whether the server owes items: credit granted that no item has used yet. */
    boolean owed() {
        return granted > received;
    }
}

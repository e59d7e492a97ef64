package io.pilot.engine.transport;

/**
 * Connection-level receive flow control (RFC 9000 4.1). As in QUIC, credit is counted on the sum of the highest
 * offsets received per stream, not on bytes delivered, so that the peer and this side agree on it whatever was lost
 * or reordered; consumption is what the streams delivered (or their final size after a reset or a local abort).
 * Once less than half a window is left the limit moves to a whole window past consumption, and the new limit must
 * reach the peer in a MAX_DATA frame.
 */
final class ReceiveCredit {

    private final long window;
    private long limit = TransportConfig.INITIAL_MAX_DATA;
    private long highest;
    private long consumed;
    private boolean maxDataPending;

    ReceiveCredit(long window) {
        this.window = window;
    }

    /** Whether the streams' highest received offsets may grow by {@code growth} bytes in total. */
    boolean allows(long growth) {
        return highest + growth <= limit;
    }

    /** Books how far one stream's highest offset and consumption moved; raises the limit when due. */
    void book(long highestGrowth, long consumedGrowth) {
        highest += highestGrowth;
        consumed += consumedGrowth;
        if (limit - consumed < window / 2) {
            limit = consumed + window;
            maxDataPending = true;
        }
    }

    long limit() {
        return limit;
    }

    /** The current limit has not yet gone out in a MAX_DATA frame. */
    boolean maxDataPending() {
        return maxDataPending;
    }

    void onMaxDataSent() {
        maxDataPending = false;
    }

    /** A MAX_DATA frame was lost: it is sent again only if it still carries the current limit. */
    void onMaxDataLost(long maximum) {
        if (maximum == limit) {
            maxDataPending = true;
        }
    }
}

package io.pilot.engine.directory;

/** Why the backbone refused a directory request. Travels as a byte in replies; names are part of the protocol. */
public enum DirectoryError {
    /** Malformed request. */
    BAD_REQUEST,
    /** The record is malformed or its signature does not verify. */
    BAD_RECORD,
    /** A node may only publish its own record: the record's key is not the session's key. */
    WRONG_KEY,
    /** The record's sequence number is not newer than the one held. */
    STALE_SEQUENCE,
    /** The record's expiry has passed or lies too far ahead. */
    EXPIRED_RECORD,
    /** This realm requires a join token and none was given. */
    JOIN_TOKEN_REQUIRED,
    /** The join token is wrong. */
    JOIN_TOKEN_INVALID,
    /** Another key holds this hostname (live, or lapsed too recently to be taken). */
    HOSTNAME_TAKEN,
    /** A group's policy refuses this node (token or invitation missing or wrong). */
    GROUP_DENIED,
    /** The node has no live registration (heartbeat after expiry, or a backbone restart): register again. */
    NOT_REGISTERED,
    /** Nothing matches. */
    NOT_FOUND,
    /** Too many requests or subscriptions from this node. */
    TOO_MANY,
    /** An operation this backbone does not know. */
    UNKNOWN_OPERATION,
    /**
     * The backbone cannot change the directory now: its shared store (etcd) is unreachable. Lookups, watches
     * and heartbeats of registered nodes still work; try the change again later.
     */
    STORE_UNAVAILABLE;

    static DirectoryError fromWire(int value) {
        DirectoryError[] all = values();
        return value >= 0 && value < all.length ? all[value] : BAD_REQUEST;
    }
}

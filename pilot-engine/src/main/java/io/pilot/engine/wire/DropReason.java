package io.pilot.engine.wire;

/**
 * Why a node dropped a datagram. Every drop is counted (see {@link NodeStats#drops()}) so an operator
 * can tell an attack or a broken peer from a quiet network.
 */
public enum DropReason {
    /** Shorter than its type requires. */
    TRUNCATED,
    /** Longer than a datagram or its type may be. */
    OVERSIZED,
    /** A type byte this version does not know. */
    UNKNOWN_TYPE,
    /** Another protocol version. */
    WRONG_VERSION,
    /** Reserved header bits set. */
    NONZERO_RESERVED,
    /** A data or handshake packet for a session index this node does not have. */
    UNKNOWN_SESSION,
    /** Authentication failed: tampered, or not for this key. */
    BAD_TAG,
    /** A counter already seen or too old for the replay window. */
    REPLAYED,
    /** A key pair past its hard age or message limit. */
    KEY_EXPIRED,
    /** A handshake message that failed Noise processing or carried a malformed identity payload. */
    HANDSHAKE_FAILED,
    /** The identity signature over the Noise static key and this handshake's hash did not verify. */
    BAD_IDENTITY_SIGNATURE,
    /** The peer presented a different key than the one expected or pinned for its address. */
    UNEXPECTED_KEY,
    /** The peer is in another realm. */
    WRONG_REALM,
    /** Refused by the node's access policy. */
    NOT_ALLOWED,
    /**
     * Over a rate limit: a source's cookie-proven initiations, a repeated final message confirmed too recently, or a
     * cookie reply that came too soon after the last one that made an initiation go again.
     */
    RATE_LIMITED,
    /**
     * An initiation without a valid cookie while under load or over its source's uncookied budget (answered
     * with a cookie reply, no state kept).
     */
    COOKIE_REQUIRED,
    /** A pending responder handshake dropped (the oldest of its lane) to make room for a new one. */
    HANDSHAKE_TABLE_FULL,
    /** An initiation its guard let through, refused before any work: too many wait for an answer already. */
    INIT_BACKLOG_FULL,
    /** Sealed under keys of a connection that has since been replaced by a new one. */
    STALE_CONNECTION
}

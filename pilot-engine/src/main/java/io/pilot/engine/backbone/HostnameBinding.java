package io.pilot.engine.backbone;

import io.pilot.engine.identity.NodeKey;

/**
 * A hostname and the key that claimed it. {@code releasedAtMillis} is 0 while a registration holds it, else when
 * it was let go: its lease lapsed, its node deregistered, or its node registered another hostname; another key
 * may claim it only once the hold has passed since then.
 */
public record HostnameBinding(String hostname, NodeKey key, long releasedAtMillis) {
}

package io.pilot.engine.backbone;

import io.pilot.engine.identity.NodeKey;

/**
 * A hostname and the key that claimed it. {@code releasedAtMillis} is 0 while a registration holds it,
 * else when its lease lapsed; another key may claim it only once the hold has passed since then.
 */
public record HostnameBinding(String hostname, NodeKey key, long releasedAtMillis) {
}

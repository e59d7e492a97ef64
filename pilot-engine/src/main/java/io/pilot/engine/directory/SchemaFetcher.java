package io.pilot.engine.directory;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.address.Ports;
import io.pilot.engine.message.Message;
import io.pilot.engine.schema.CapabilitySchema;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A provider's schemas of a capability, read from its signed record: inline ones at once, those the record names
 * by digest fetched from the provider's schema port and believed only if they hash to that digest. Verified
 * documents are kept by digest (least recently used forgotten), so replicas publishing the same schemas are
 * asked once.
 */
final class SchemaFetcher {

    /** Most documents kept. */
    static final int CACHED = 256;

    private final PilotNode node;
    private final Duration timeout;
    private final Map<String, CapabilitySchema> byDigest = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CapabilitySchema> eldest) {
            return size() > CACHED;
        }
    };

    SchemaFetcher(PilotNode node, Duration timeout) {
        this.node = node;
        this.timeout = timeout;
    }

    /**
     * The schemas {@code provider} publishes for {@code capability}; empty if it publishes none. Fails with a
     * {@link io.pilot.engine.schema.SchemaException} for a document that is invalid or does not match its digest.
     */
    CompletableFuture<Optional<CapabilitySchema>> schema(NodeRecord provider, String capability) {
        CapabilityInfo info = provider.capabilities().stream().filter(c -> c.name().equals(capability)).findFirst()
                .orElse(null);
        if (info == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(provider.hostname() + " does not offer '"
                    + capability + "'"));
        }
        try {
            String inline = info.metadata().get(CapabilityInfo.SCHEMA);
            if (inline != null) {
                return CompletableFuture.completedFuture(Optional.of(
                        CapabilitySchema.fromDocument(inline.getBytes(StandardCharsets.UTF_8))));
            }
        } catch (RuntimeException invalid) {
            return CompletableFuture.failedFuture(invalid);
        }
        String digest = info.metadata().get(CapabilityInfo.SCHEMA_SHA256);
        if (digest == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        CapabilitySchema known = cached(digest);
        if (known != null) {
            return CompletableFuture.completedFuture(Optional.of(known));
        }
        return node.request(new PilotSocketAddress(provider.address(), Ports.SCHEMAS), Message.of(capability), timeout)
                .thenApply(reply -> {
                    CapabilitySchema fetched = CapabilitySchema.fromDocument(reply.body(), digest);
                    synchronized (byDigest) {
                        byDigest.put(digest, fetched);
                    }
                    return Optional.of(fetched);
                });
    }

    private CapabilitySchema cached(String digest) {
        synchronized (byDigest) {
            return byDigest.get(digest);
        }
    }
}

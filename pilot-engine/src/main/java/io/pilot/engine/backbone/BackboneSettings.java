package io.pilot.engine.backbone;

import java.time.Duration;

/**
 * How a backbone runs its directory.
 *
 * @param joinToken if set, nodes must present it to register in this realm
 * @param leaseTtl how long a registration lives without a heartbeat (nodes heartbeat at a third of it)
 * @param hostnameHold how long a lapsed hostname stays bound to its key before another key may claim it
 * @param maxRecordLifetime how far ahead a record's expiry may lie
 * @param registrationsPerSecond per-node rate of register requests (burst twice that)
 * @param maxSubscriptionsPerNode watches one node may hold
 * @param maxRecords registrations the directory holds at most
 */
public record BackboneSettings(String joinToken, Duration leaseTtl, Duration hostnameHold, Duration maxRecordLifetime,
                               int registrationsPerSecond, int maxSubscriptionsPerNode, int maxRecords) {

    public static final BackboneSettings DEFAULTS = new BackboneSettings(null, Duration.ofSeconds(30),
            Duration.ofHours(1), Duration.ofDays(1), 20, 64, 1_000_000);

    public BackboneSettings {
        if (leaseTtl.isNegative() || leaseTtl.isZero() || hostnameHold.isNegative() || maxRecordLifetime.isNegative()
                || maxRecordLifetime.isZero()) {
            throw new IllegalArgumentException("durations must be positive");
        }
        if (registrationsPerSecond <= 0 || maxSubscriptionsPerNode <= 0 || maxRecords <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (joinToken != null && joinToken.isBlank()) {
            throw new IllegalArgumentException("a join token must not be blank");
        }
    }

    public BackboneSettings withJoinToken(String token) {
        return new BackboneSettings(token, leaseTtl, hostnameHold, maxRecordLifetime, registrationsPerSecond,
                maxSubscriptionsPerNode, maxRecords);
    }

    public BackboneSettings withLeaseTtl(Duration ttl) {
        return new BackboneSettings(joinToken, ttl, hostnameHold, maxRecordLifetime, registrationsPerSecond,
                maxSubscriptionsPerNode, maxRecords);
    }

    public BackboneSettings withHostnameHold(Duration hold) {
        return new BackboneSettings(joinToken, leaseTtl, hold, maxRecordLifetime, registrationsPerSecond,
                maxSubscriptionsPerNode, maxRecords);
    }

    public BackboneSettings withRegistrationsPerSecond(int rate) {
        return new BackboneSettings(joinToken, leaseTtl, hostnameHold, maxRecordLifetime, rate,
                maxSubscriptionsPerNode, maxRecords);
    }
}

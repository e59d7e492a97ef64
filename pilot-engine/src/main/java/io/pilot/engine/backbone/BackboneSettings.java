package io.pilot.engine.backbone;

import io.pilot.engine.directory.Names;

import java.time.Duration;

/**
 * How a backbone runs its directory. Every table a node can grow at the backbone is capped per node and in
 * all, and every request that grows one is rate limited per node: identities are free, so each limit is what
 * one identity may cost the backbone.
 *
 * @param joinToken if set, nodes must present it to register in this realm
 * @param leaseTtl how long a registration lives without a heartbeat (nodes heartbeat at a third of it)
 * @param hostnameHold how long a lapsed hostname stays bound to its key before another key may claim it
 * @param maxRecordLifetime how far ahead a record's expiry may lie
 * @param registrationsPerSecond per-node rate of register and punch requests (burst twice that)
 * @param maxSubscriptionsPerNode watches one registered node may hold
 * @param maxRecords registrations the directory holds at most
 * @param watchesPerSecond per-node rate of watch requests (burst twice that: a node renews all its watches at
 *                         once after a backbone restart, so the burst should cover {@code maxSubscriptionsPerNode})
 * @param groupCreationsPerSecond per-node rate of create-group requests (burst twice that); each is written to
 *                                the journal and synced before it is answered
 * @param maxGroupsPerOwner group definitions one key may own
 * @param maxGroups group definitions the directory holds at most
 * @param pagedReplyStall how long a paged reply waits for its caller to grant credit for the next page before the
 *                        backbone ends it ({@code TIMEOUT}) and lets its snapshot and its place go
 */
public record BackboneSettings(String joinToken, Duration leaseTtl, Duration hostnameHold, Duration maxRecordLifetime,
                               int registrationsPerSecond, int maxSubscriptionsPerNode, int maxRecords,
                               int watchesPerSecond, int groupCreationsPerSecond, int maxGroupsPerOwner, int maxGroups,
                               Duration pagedReplyStall) {

    public static final BackboneSettings DEFAULTS = new BackboneSettings(null, Duration.ofSeconds(30),
            Duration.ofHours(1), Duration.ofDays(1), 20, 64, 1_000_000, 64, 1, 16, 100_000, Duration.ofSeconds(30));

    public BackboneSettings {
        if (leaseTtl.isNegative() || leaseTtl.isZero() || hostnameHold.isNegative() || maxRecordLifetime.isNegative()
                || maxRecordLifetime.isZero() || pagedReplyStall.isNegative() || pagedReplyStall.isZero()) {
            throw new IllegalArgumentException("durations must be positive");
        }
        if (registrationsPerSecond <= 0 || maxSubscriptionsPerNode <= 0 || maxRecords <= 0 || watchesPerSecond <= 0
                || groupCreationsPerSecond <= 0 || maxGroupsPerOwner <= 0 || maxGroups <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (joinToken != null) {
            // The same bounds a node checks before presenting one: a longer token could never be presented,
            // and a backbone requiring it would refuse every node.
            Names.checkJoinToken(joinToken);
        }
    }

    public BackboneSettings withJoinToken(String token) {
        return new BackboneSettings(token, leaseTtl, hostnameHold, maxRecordLifetime, registrationsPerSecond,
                maxSubscriptionsPerNode, maxRecords, watchesPerSecond, groupCreationsPerSecond, maxGroupsPerOwner, maxGroups,
                pagedReplyStall);
    }

    public BackboneSettings withLeaseTtl(Duration ttl) {
        return new BackboneSettings(joinToken, ttl, hostnameHold, maxRecordLifetime, registrationsPerSecond,
                maxSubscriptionsPerNode, maxRecords, watchesPerSecond, groupCreationsPerSecond, maxGroupsPerOwner, maxGroups,
                pagedReplyStall);
    }

    public BackboneSettings withHostnameHold(Duration hold) {
        return new BackboneSettings(joinToken, leaseTtl, hold, maxRecordLifetime, registrationsPerSecond,
                maxSubscriptionsPerNode, maxRecords, watchesPerSecond, groupCreationsPerSecond, maxGroupsPerOwner, maxGroups,
                pagedReplyStall);
    }

    public BackboneSettings withRegistrationsPerSecond(int rate) {
        return new BackboneSettings(joinToken, leaseTtl, hostnameHold, maxRecordLifetime, rate,
                maxSubscriptionsPerNode, maxRecords, watchesPerSecond, groupCreationsPerSecond, maxGroupsPerOwner, maxGroups,
                pagedReplyStall);
    }

    public BackboneSettings withWatchLimits(int perNode, int perSecond) {
        return new BackboneSettings(joinToken, leaseTtl, hostnameHold, maxRecordLifetime, registrationsPerSecond,
                perNode, maxRecords, perSecond, groupCreationsPerSecond, maxGroupsPerOwner, maxGroups,
                pagedReplyStall);
    }

    public BackboneSettings withGroupLimits(int perOwner, int inAll, int creationsPerSecond) {
        return new BackboneSettings(joinToken, leaseTtl, hostnameHold, maxRecordLifetime, registrationsPerSecond,
                maxSubscriptionsPerNode, maxRecords, watchesPerSecond, creationsPerSecond, perOwner, inAll,
                pagedReplyStall);
    }

    public BackboneSettings withPagedReplyStall(Duration stall) {
        return new BackboneSettings(joinToken, leaseTtl, hostnameHold, maxRecordLifetime, registrationsPerSecond,
                maxSubscriptionsPerNode, maxRecords, watchesPerSecond, groupCreationsPerSecond, maxGroupsPerOwner, maxGroups,
                stall);
    }
}

package io.pilot.engine.directory;

import io.pilot.engine.identity.NodeKey;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * What a {@link DirectoryClient} publishes and where the backbones are, as its {@code Builder} collected them.
 *
 * @param maxReplySize      the largest paged directory reply this node reads (a lookup or watch of many records)
 * @param backboneEndpoints the realm's backbones, in the order they are tried (one or more; the backbones of a
 *                          realm share one key, {@code backboneKey})
 */
record ClientSettings(List<InetSocketAddress> backboneEndpoints, NodeKey backboneKey, String hostname,
                      List<CapabilityInfo> capabilities, String joinToken, Duration recordLifetime,
                      Duration requestTimeout, long maxReplySize) {

    /** The largest directory reply read by default: about 400,000 records of a typical size. */
    static final long DEFAULT_MAX_REPLY_SIZE = 256L * 1024 * 1024;
}

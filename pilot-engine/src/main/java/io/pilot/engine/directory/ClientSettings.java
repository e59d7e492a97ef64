package io.pilot.engine.directory;

import io.pilot.engine.identity.NodeKey;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * What a {@link DirectoryClient} publishes and where the backbones are, as its {@code Builder} collected them.
 *
 * @param backboneEndpoints the realm's backbones, in the order they are tried (one or more; the backbones of a
 *                          realm share one key, {@code backboneKey})
 */
record ClientSettings(List<InetSocketAddress> backboneEndpoints, NodeKey backboneKey, String hostname,
                      List<CapabilityInfo> capabilities, String joinToken, Duration recordLifetime,
                      Duration requestTimeout) {
}

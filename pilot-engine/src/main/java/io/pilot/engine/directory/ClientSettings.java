package io.pilot.engine.directory;

import io.pilot.engine.identity.NodeKey;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** What a {@link DirectoryClient} publishes and where the backbone is, as its {@code Builder} collected them. */
record ClientSettings(InetSocketAddress backboneEndpoint, NodeKey backboneKey, String hostname,
                      List<CapabilityInfo> capabilities, String joinToken, Duration recordLifetime,
                      Duration requestTimeout) {
}

package io.pilot.spring.autoconfigure;

import io.pilot.engine.address.HostPort;
import io.pilot.engine.backbone.DirectoryStores;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.group.AccessPolicies;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.session.AccessPolicy;
import io.pilot.spring.runtime.RuntimeSettings.RetryDelays;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.unit.DataSize;

/** Turns {@code pilot.*} properties into engine values, refusing bad ones with what to change. */
final class PilotSettings {

    private static final Logger log = LoggerFactory.getLogger(PilotSettings.class);

    private PilotSettings() {
    }

    static InetSocketAddress hostPort(String property, String value) {
        try {
            return HostPort.parse(value);
        } catch (IllegalArgumentException e) {
            throw new PilotConfigurationException(property, e.getMessage(),
                    "Set " + property + " to the backbone's host and UDP port, e.g. backbone.example.org:7400");
        }
    }

    /**
     * A comma-separated list of {@code host:port} (one or more), each checked.
     *
     * @throws PilotConfigurationException naming the property and the entry that is wrong
     */
    static List<InetSocketAddress> hostPorts(String property, List<String> values) {
        if (values.isEmpty()) {
            throw new PilotConfigurationException(property, "names no backbone",
                    "Set " + property + " to the backbone's host and UDP port, e.g. backbone.example.org:7400");
        }
        List<InetSocketAddress> endpoints = new ArrayList<>();
        for (String value : values) {
            InetSocketAddress endpoint = hostPort(property, value.strip());
            if (endpoints.contains(endpoint)) {
                throw new PilotConfigurationException(property, "lists " + value.strip() + " twice",
                        "List each of the realm's backbones once, e.g. a.example.org:7400,b.example.org:7400");
            }
            endpoints.add(endpoint);
        }
        return endpoints;
    }

    /**
     * The embedded backbone's store: null, a folder, or a URL whose scheme a module on the class path opens.
     *
     * @throws PilotConfigurationException naming the property and the module to add when no module opens the scheme
     */
    static String store(String property, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String missing = DirectoryStores.missingProvider(value.strip());
        if (missing != null) {
            throw new PilotConfigurationException(property, missing, "Add the module that opens it to the application's"
                    + " dependencies (for etcd://, io.pilot:pilot-backbone-etcd), or set " + property
                    + " to a folder, or leave it empty to keep the directory in memory");
        }
        return value.strip();
    }

    /** A timeout that must be positive: zero or negative would fail every call at once. */
    static Duration timeout(String property, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new PilotConfigurationException(property, value + " is not a positive duration",
                    "Set " + property + " to how long to wait, e.g. " + property + "=5s");
        }
        return value;
    }

    /** A size in bytes that must be positive if set; 0 when unset (the engine's default). */
    static long positiveSizeOrDefault(String property, DataSize value) {
        if (value == null) {
            return 0;
        }
        if (value.toBytes() <= 0) {
            throw new PilotConfigurationException(property, value + " is not a positive size",
                    "Set " + property + " to a size, e.g. " + property + "=256MB, or leave it unset");
        }
        return value.toBytes();
    }

    /** Each delay positive, the first no longer than the longest. */
    static RetryDelays retryDelays(PilotProperties.Retry retry) {
        Duration first = timeout("pilot.backbone.retry.first-delay", retry.getFirstDelay());
        Duration max = timeout("pilot.backbone.retry.max-delay", retry.getMaxDelay());
        if (max.compareTo(first) < 0) {
            throw new PilotConfigurationException("pilot.backbone.retry.max-delay",
                    max + " is shorter than pilot.backbone.retry.first-delay (" + first + ")",
                    "Set pilot.backbone.retry.max-delay to at least pilot.backbone.retry.first-delay, e.g. 30s");
        }
        return new RetryDelays(first, max);
    }

    static InetSocketAddress bind(PilotProperties.Bind bind) {
        if (bind.getPort() < 0 || bind.getPort() > 65535) {
            throw new PilotConfigurationException("pilot.bind.port", bind.getPort() + " is not 0-65535",
                    "Set pilot.bind.port to a UDP port, or 0 for any free one");
        }
        return new InetSocketAddress(bind.getAddress(), bind.getPort());
    }

    static NodeKey key(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return NodeKey.parse(text);
        } catch (IllegalArgumentException e) {
            throw new PilotConfigurationException("pilot.backbone.key", e.getMessage(),
                    "Copy the key the backbone prints at start (base64url, 43 characters), or leave it empty to trust on first use");
        }
    }

    static AccessPolicy allowList(List<String> entries, int realm) {
        List<NodeKey> keys = new ArrayList<>();
        List<PilotAddress> addresses = new ArrayList<>();
        for (String entry : entries) {
            try {
                if (entry.indexOf(':') >= 0) {
                    addresses.add(PilotAddress.parse(entry));
                } else {
                    keys.add(NodeKey.parse(entry));
                }
            } catch (IllegalArgumentException e) {
                throw new PilotConfigurationException("pilot.allow", e.getMessage(),
                        "List node keys (base64url) or addresses (N:XXXX.XXXX.XXXX)");
            }
        }
        if (!addresses.isEmpty()) {
            // An address is 48 bits of a hash of the key: grinding a key that lands on a listed address costs
            // about 2^48 key generations, within reach of a determined attacker. Keys cannot be ground.
            log.warn("pilot.allow lists {} address(es) ({}): an address is only 48 bits of its key's hash, and a key "
                    + "that maps to it can be ground (about 2^48 attempts). Any node holding such a key is let in. "
                    + "List node keys (base64url, printed by 'pilotctl identity show') instead.", addresses.size(), addresses);
        }
        AccessPolicy byKey = AccessPolicies.allowKeys(keys);
        AccessPolicy byAddress = AccessPolicies.allowAddresses(addresses);
        return (key, address) -> byKey.allows(key, address) || byAddress.allows(key, address);
    }
}

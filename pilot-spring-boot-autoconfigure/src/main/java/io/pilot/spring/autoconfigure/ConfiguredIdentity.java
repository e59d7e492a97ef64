package io.pilot.spring.autoconfigure;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.IdentityStore;
import io.pilot.engine.identity.IdentityText;
import io.pilot.spring.runtime.RuntimeSettings.IdentitySource;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the node's key comes from, from {@code pilot.identity.*}: a file ({@code path}, by default
 * {@code .pilot/<hostname>.key}) or the key itself ({@code key}: PEM or base64, e.g. a secret in an environment
 * variable), checked against the pinned {@code address} if one is set. Refusals name the property and the problem,
 * never the key, and change nothing: no key file is created for a pinned address.
 */
final class ConfiguredIdentity {

    private ConfiguredIdentity() {
    }

    static IdentitySource from(PilotProperties.Identity properties, String hostname, int realm) {
        boolean fromValue = properties.getKey() != null && !properties.getKey().isBlank();
        if (fromValue && properties.getPath() != null) {
            throw new PilotConfigurationException("pilot.identity", "both path and key are set",
                    "Set pilot.identity.key (the key itself) or pilot.identity.path (a file holding it), not both");
        }
        Path file = fromValue ? null
                : properties.getPath() != null ? properties.getPath() : Path.of(".pilot", hostname + ".key");
        Identity key = fromValue ? parse(properties.getKey()) : null;
        PilotAddress pinned = pinnedAddress(properties.getAddress());
        if (pinned == null) {
            return new IdentitySource(file, key);
        }
        if (key == null) {
            if (!Files.exists(file)) {
                throw new PilotConfigurationException("pilot.identity.address", "pins " + pinned + " but the key file "
                        + file + " does not exist, and a new key would have another address",
                        "Put the key of " + pinned + " at " + file + " (or set pilot.identity.key), or remove pilot.identity.address");
            }
            key = IdentityStore.load(file);
        }
        PilotAddress actual = key.publicKey().address(realm);
        if (!actual.equals(pinned)) {
            throw new PilotConfigurationException("pilot.identity.address", "pins " + pinned + " but the "
                    + (fromValue ? "key in pilot.identity.key" : "key in " + file) + " has the address " + actual,
                    "Give the key whose address is " + pinned + ", or correct pilot.identity.address"
                            + (pinned.realm() != realm ? " (its realm differs from pilot.realm=" + realm + ")" : ""));
        }
        return new IdentitySource(file, key);
    }

    private static Identity parse(String text) {
        try {
            return IdentityText.parse(text);
        } catch (IllegalArgumentException e) {
            throw new PilotConfigurationException("pilot.identity.key", e.getMessage(),
                    "Give an Ed25519 private key: a PEM 'PRIVATE KEY' (openssl genpkey -algorithm ed25519), or the base64"
                            + " of its 32-byte seed (the private-key line of an identity file)");
        }
    }

    private static PilotAddress pinnedAddress(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return PilotAddress.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw new PilotConfigurationException("pilot.identity.address", e.getMessage(),
                    "Write the address as 'pilotctl identity show' or /actuator/pilot prints it, e.g. 0:1A2B.3C4D.5E6F");
        }
    }
}

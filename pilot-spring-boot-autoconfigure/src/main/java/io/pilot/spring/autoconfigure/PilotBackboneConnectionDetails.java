package io.pilot.spring.autoconfigure;

import java.util.Arrays;
import java.util.List;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where the agent's backbone is and what it presents there, as Spring Boot's other {@link ConnectionDetails} say
 * where a database or a broker is. By default it comes from {@code pilot.backbone.address}, {@code .key} and
 * {@code .join-token}/{@code .join-token-file}; a bean of this type replaces those properties, so a test (or a
 * platform integration) can point the application at a backbone it started itself:
 *
 * <pre>{@code
 * @Bean
 * PilotBackboneConnectionDetails backbone() {
 *     return () -> "127.0.0.1:" + standaloneBackbone.port();
 * }
 * }</pre>
 *
 * An application that runs its own backbone ({@code pilot.backbone.embedded=true}) cannot also be pointed elsewhere
 * by a bean: that start-up fails and says so.
 */
public interface PilotBackboneConnectionDetails extends ConnectionDetails {

    /**
     * The backbone's UDP endpoint, {@code host:port} (IPv6 in brackets); or the realm's backbones as a comma-separated
     * list, as {@code pilot.backbone.address} takes them.
     */
    String getAddress();

    /**
     * The UDP endpoints of the realm's backbones (which share one key), tried in this order from one the agent's
     * address picks; the agent moves to the next when one stops answering. By default {@link #getAddress()} split at
     * its commas: override this one to give several, and {@code getAddress} to name the first.
     */
    default List<String> getAddresses() {
        String address = getAddress();
        return address == null ? List.of() : Arrays.stream(address.split(",")).map(String::strip)
                .filter(one -> !one.isEmpty()).toList();
    }

    /** The backbone's node key (base64url) to pin, or null to trust the first key it presents. */
    default String getKey() {
        return null;
    }

    /** The realm's join token, for a backbone that requires one, or null. */
    default String getJoinToken() {
        return null;
    }
}

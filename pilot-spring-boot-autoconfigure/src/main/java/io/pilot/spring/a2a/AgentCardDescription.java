package io.pilot.spring.a2a;

import java.util.Objects;

/**
 * What an agent says of itself in its card beyond its skills: A2A's required {@code name} (null: its hostname),
 * {@code description} (null: one naming its skills) and {@code version}, and the HTTP(S) URL it is served at, if known
 * (null otherwise).
 */
public record AgentCardDescription(String name, String description, String version, String url) {

    public AgentCardDescription {
        Objects.requireNonNull(version, "version");
    }
}

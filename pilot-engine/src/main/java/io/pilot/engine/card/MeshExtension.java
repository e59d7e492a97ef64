package io.pilot.engine.card;

import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * Pilot's A2A extension (declared in the card's {@code capabilities.extensions}): where the agent is on the mesh
 * ({@code params.address}, {@code params.hostname}) and each skill's JSON Schemas ({@code params.schemas}, by skill
 * id), which A2A's {@code AgentSkill} has no field for. The card's signature names the same address as its key id.
 */
public final class MeshExtension {

    /** The extension's identifier, as A2A wants one: a URI, versioned. */
    public static final String URI = "urn:pilot:a2a:mesh:v1";
    /** The protocol binding of the card's Pilot interface: a skill called as a Pilot capability. */
    public static final String BINDING = "urn:pilot:binding:capability:v1";

    private MeshExtension() {
    }

    /** The extension's {@code params} in a card, if the card declares it. */
    public static Optional<JsonNode> params(JsonNode card) {
        for (JsonNode extension : card.path("capabilities").path("extensions")) {
            if (URI.equals(extension.path("uri").asString(null))) {
                return Optional.of(extension.path("params"));
            }
        }
        return Optional.empty();
    }
}

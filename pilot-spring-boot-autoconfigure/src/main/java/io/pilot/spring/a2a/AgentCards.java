package io.pilot.spring.a2a;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.card.CardSignature;
import io.pilot.engine.card.MeshExtension;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.schema.CapabilitySchema;
import io.pilot.spring.capability.CapabilityMethod;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds an agent's A2A v1.0 Agent Card (A2A §4.4.1, §8) and signs it. Skills are the agent's capabilities (id and
 * name = the capability name, its description, tags = the name's parts); their JSON Schemas, for which A2A's
 * {@code AgentSkill} has no field, and the agent's place on the mesh ride in Pilot's extension
 * ({@link MeshExtension}). The card's one interface is {@code pilot://HOSTNAME} with Pilot's capability binding: a
 * skill is called as a capability, with JSON as its schema says, not through A2A's message operations.
 *
 * <p>Fields holding a default value (an empty list, {@code false}) are left out, as A2A's canonicalization (§8.4.1)
 * wants, so the card a verifier reads is the card that was signed.
 */
public final class AgentCards {

    private static final String JSON = "application/json";

    private final JsonMapper mapper;

    public AgentCards(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** The signed card of the agent at {@code address} ({@code identity}'s) called {@code hostname}. */
    public ObjectNode card(AgentCardDescription description, String hostname, PilotAddress address, Identity identity,
            Collection<CapabilityMethod> capabilities) {
        List<CapabilityMethod> sorted = capabilities.stream().sorted(Comparator.comparing(CapabilityMethod::name)).toList();
        String name = description.name() != null ? description.name() : hostname;
        String says = description.description() != null ? description.description() : "Pilot agent " + hostname
                + (sorted.isEmpty() ? "" : " offering " + String.join(", ", sorted.stream().map(CapabilityMethod::name).toList()));
        ObjectNode card = mapper.createObjectNode().put("name", name).put("description", says)
                .put("version", description.version());
        card.putArray("supportedInterfaces").addObject().put("url", "pilot://" + hostname)
                .put("protocolBinding", MeshExtension.BINDING).put("protocolVersion", "1.0");
        ObjectNode extension = card.putObject("capabilities").putArray("extensions").addObject()
                .put("uri", MeshExtension.URI)
                .put("description", "Reach this agent on a Pilot mesh: call a skill as the capability of the same name,"
                        + " with the JSON its input schema describes");
        ObjectNode params = extension.putObject("params").put("address", address.toString()).put("hostname", hostname);
        if (description.url() != null) {
            params.put("url", description.url());
        }
        ObjectNode schemas = params.putObject("schemas");
        card.putArray("defaultInputModes").add(JSON);
        card.putArray("defaultOutputModes").add(JSON);
        ArrayNode skills = card.putArray("skills");
        for (CapabilityMethod capability : sorted) {
            ObjectNode skill = skills.addObject().put("id", capability.name()).put("name", capability.name())
                    .put("description", capability.description());
            ArrayNode tags = skill.putArray("tags");
            for (String part : capability.name().split("\\.")) {
                tags.add(part);
            }
            CapabilitySchema schema = capability.schema();
            if (schema != null) {
                ObjectNode documents = schemas.putObject(capability.name());
                documents.set("input", mapper.readTree(schema.input()));
                documents.set("output", mapper.readTree(schema.output()));
            }
        }
        if (schemas.isEmpty()) {
            params.remove("schemas");
        }
        return CardSignature.sign(card, identity, address);
    }
}

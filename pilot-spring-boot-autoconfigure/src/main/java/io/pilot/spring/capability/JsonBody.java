package io.pilot.spring.capability;

import io.pilot.spring.PilotCapabilityException;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request's body as a JSON tree, parsed on first use and kept, so that a capability with several parameters
 * reads the body once for all of them.
 */
final class JsonBody {

    private final byte[] bytes;
    private final JsonMapper mapper;
    private JsonNode tree;

    JsonBody(byte[] bytes, JsonMapper mapper) {
        this.bytes = bytes;
        this.mapper = mapper;
    }

    boolean isEmpty() {
        return bytes.length == 0;
    }

    byte[] bytes() {
        return bytes;
    }

    /** The tree; an empty body is an empty object. */
    synchronized JsonNode tree(String capability) {
        if (tree == null) {
            try {
                tree = bytes.length == 0 ? mapper.createObjectNode() : mapper.readTree(bytes);
            } catch (JacksonException e) {
                throw ArgumentShape.notJson(capability, e);
            }
        }
        return tree;
    }
}

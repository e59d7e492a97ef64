package io.pilot.spring.tools;

import io.pilot.engine.schema.CapabilitySchema;
import io.pilot.engine.schema.Violation;

import java.util.List;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A capability's input as a tool's arguments. Language-model APIs and MCP want a tool's arguments to be a JSON
 * object; a capability whose input schema is of an object takes them as they are, one that takes anything else (a
 * string, a list, a number) takes them as the {@value #PROPERTY} property of an object, unwrapped before the call.
 * The wrapping object carries the input schema's {@code $defs} at its top, where the schema's {@code $ref}s point.
 */
final class ToolInput {

    /** The property that holds an input that is not an object. */
    static final String PROPERTY = "input";

    private final JsonNode schema;
    private final boolean wrapped;
    private final CapabilitySchema validator;

    private ToolInput(JsonNode schema, boolean wrapped, CapabilitySchema validator) {
        this.schema = schema;
        this.wrapped = wrapped;
        this.validator = validator;
    }

    /** The arguments of a capability whose provider published {@code schema}; empty for one that published none. */
    static ToolInput of(Optional<CapabilitySchema> published, JsonMapper mapper) {
        if (published.isEmpty()) {
            return new ToolInput(wrap(mapper.createObjectNode(), mapper), true, null);
        }
        JsonNode input = mapper.readTree(published.get().input());
        boolean object = "object".equals(input.path("type").asString(null));
        if (object) {
            return new ToolInput(input, false, published.get());
        }
        // A schema may be a boolean (true: anything); as a property it is then the empty schema.
        ObjectNode copy = input.isObject() ? (ObjectNode) input.deepCopy() : mapper.createObjectNode();
        return new ToolInput(wrap(copy, mapper), true, published.get());
    }

    private static ObjectNode wrap(ObjectNode input, JsonMapper mapper) {
        ObjectNode wrapper = mapper.createObjectNode();
        JsonNode dialect = input.remove("$schema");
        if (dialect != null) {
            wrapper.set("$schema", dialect);
        }
        wrapper.put("type", "object");
        wrapper.putObject("properties").set(PROPERTY, input);
        wrapper.putArray("required").add(PROPERTY);
        wrapper.put("additionalProperties", false);
        JsonNode definitions = input.remove("$defs");
        if (definitions != null) {
            wrapper.set("$defs", definitions);
        }
        return wrapper;
    }

    /** The JSON Schema of the tool's arguments: always of an object. */
    JsonNode schema() {
        return schema;
    }

    /**
     * The capability's argument from the tool's arguments.
     *
     * @throws IllegalArgumentException saying what is wrong: a wrapped input missing, or the argument breaking the schema
     */
    JsonNode argument(JsonNode arguments) {
        JsonNode argument = arguments;
        if (wrapped) {
            if (!arguments.isObject() || !arguments.has(PROPERTY)) {
                throw new IllegalArgumentException("the arguments are an object with the property '" + PROPERTY + "'");
            }
            argument = arguments.get(PROPERTY);
        }
        if (validator != null) {
            List<Violation> violations = validator.validate(argument);
            if (!violations.isEmpty()) {
                throw new IllegalArgumentException("the arguments break the input schema: "
                        + String.join("; ", violations.stream().map(Violation::toString).toList()));
            }
        }
        return argument;
    }
}

package io.pilot.engine.schema;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;

import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * The one JSON Schema 2020-12 validator (networknt), set up so that a schema from the network cannot reach out:
 * no {@code $ref} is fetched from the network or the class path, only the meta-schemas bundled with the library
 * resolve. Format keywords ({@code date}, {@code date-time}, {@code uuid}...) are asserted, not just annotations,
 * so a malformed date is refused by name before the method runs.
 */
final class JsonSchemas {

    private static final String META_SCHEMAS = "https://json-schema.org/";
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            registry -> registry.schemaLoader(loader -> loader.fetchRemoteResources(false)
                    .block(iri -> !iri.toString().startsWith(META_SCHEMAS))));
    private static final Schema META_SCHEMA = REGISTRY.getSchema(
            SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));

    private JsonSchemas() {
    }

    /**
     * Checks that {@code schema} is a JSON Schema 2020-12 a validator can use, and compiles it.
     *
     * @param what which schema, for the message ("the input schema")
     * @throws SchemaException naming what is wrong
     */
    static Schema compile(String what, JsonNode schema) {
        if (!schema.isObject() && !schema.isBoolean()) {
            throw new SchemaException(what + " must be a JSON object (a JSON Schema), not " + schema.getNodeType());
        }
        List<Violation> wrong = violations(META_SCHEMA, schema);
        if (!wrong.isEmpty()) {
            throw new SchemaException(what + " is not a valid JSON Schema 2020-12: " + wrong.get(0));
        }
        try {
            Schema compiled = REGISTRY.getSchema(schema);
            compiled.initializeValidators(); // resolves every $ref now, so a dangling one is refused here, not per call
            return compiled;
        } catch (RuntimeException e) {
            throw new SchemaException(what + " cannot be used: " + e.getMessage());
        }
    }

    /** Every way {@code value} breaks {@code schema}, in the order the validator found them. */
    static List<Violation> violations(Schema schema, JsonNode value) {
        List<Error> errors = schema.validate(value, context -> context.executionConfig(config -> config.formatAssertionsEnabled(true)));
        return errors.stream().map(JsonSchemas::violation).toList();
    }

    private static Violation violation(Error error) {
        String field = field(error.getInstanceLocation());
        String message = error.getMessage();
        if ("required".equals(error.getKeyword()) && error.getProperty() != null) {
            field = field.isEmpty() ? error.getProperty() : field + "." + error.getProperty();
            message = "is required";
        } else if (message != null) {
            // networknt starts its messages with the instance's location; the field says that already
            int colon = message.indexOf(": ");
            if (message.startsWith("$") || message.startsWith("/")) {
                message = colon < 0 ? message : message.substring(colon + 2);
            }
        }
        return new Violation(field, error.getKeyword() == null ? "schema" : error.getKeyword(), message);
    }

    /** {@code citations[0].year} from the validator's node path. */
    private static String field(NodePath path) {
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            if (element instanceof Integer index) {
                field.append('[').append(index).append(']');
            } else {
                if (!field.isEmpty()) {
                    field.append('.');
                }
                field.append(element);
            }
        }
        return field.toString();
    }
}

package io.pilot.engine.schema;

import com.networknt.schema.Error;
import com.networknt.schema.ExecutionConfig;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.OutputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaContext;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;

import java.util.ArrayList;
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
        List<Error> errors = schema.validate(value, ERRORS_WITH_FORMATS);
        if (errors.isEmpty()) {
            return List.of();
        }
        List<Violation> violations = new ArrayList<>(errors.size());
        for (Error error : errors) {
            violations.add(violation(error));
        }
        return List.copyOf(violations);
    }

    /**
     * The validator's default output (the list of errors, no annotations collected) with format keywords asserted:
     * one configuration built once, where configuring each validation rebuilt it twice per argument checked.
     */
    private static final OutputFormat<List<Error>> ERRORS_WITH_FORMATS = new OutputFormat.Default() {
        /** Built from the first validation's configuration: every validation starts from the registry's same one. */
        private volatile ExecutionConfig config;

        @Override
        public void customize(ExecutionContext context, SchemaContext schemaContext) {
            ExecutionConfig built = config;
            if (built == null) {
                built = ExecutionConfig.builder(context.getExecutionConfig()).annotationCollectionEnabled(false)
                        .formatAssertionsEnabled(true).build();
                config = built;
            }
            context.setExecutionConfig(built);
        }
    };

    private static Violation violation(Error error) {
        String field = field(error.getInstanceLocation());
        String keyword = error.getKeyword() == null ? "schema" : error.getKeyword();
        if ("required".equals(keyword) && error.getProperty() != null) {
            return new Violation(field.isEmpty() ? error.getProperty() : field + "." + error.getProperty(), keyword, "is required");
        }
        return new Violation(field, keyword, message(keyword, error));
    }

    /**
     * The common rules in the caller's words ("must be a number", "must be one of [BOOK, ARTICLE]"), as the starter
     * words a binding failure; the validator's own message, without its location, for the rest.
     */
    private static String message(String keyword, Error error) {
        JsonNode rule = error.getSchemaNode();
        JsonNode value = rule != null && rule.isObject() && rule.has(keyword) ? rule.get(keyword) : rule;
        if (value != null) {
            switch (keyword) {
                case "type" -> {
                    List<String> types = value.isArray() ? value.valueStream().map(JsonNode::asString).toList()
                            : List.of(value.asString());
                    return "must be " + String.join(" or ", types.stream().map(JsonSchemas::shape).toList());
                }
                case "enum" -> {
                    return "must be one of " + value.valueStream().map(v -> v.isString() ? v.asString() : v.toString()).toList();
                }
                case "format" -> {
                    return "must be " + format(value.asString());
                }
                default -> {
                }
            }
        }
        String message = String.valueOf(error.getMessage());
        int colon = message.indexOf(": ");
        // the validator starts its messages with the instance's location; the field says that already
        return (message.startsWith("$") || message.startsWith("/")) && colon >= 0 ? message.substring(colon + 2) : message;
    }

    /** A format in words, with an example where one helps (as the starter words a date that does not bind). */
    private static String format(String format) {
        return switch (format) {
            case "date" -> "a date like 2024-03-15";
            case "date-time" -> "a date and time like 2024-03-15T10:15:30Z";
            case "time" -> "a time like 10:15:30Z";
            case "duration" -> "a duration like PT5M";
            case "uuid" -> "a UUID";
            case "email" -> "an e-mail address";
            case "uri" -> "a URI";
            default -> "a valid " + format;
        };
    }

    /** A JSON type in words. */
    private static String shape(String type) {
        return switch (type) {
            case "integer" -> "an integer";
            case "number" -> "a number";
            case "string" -> "a string";
            case "boolean" -> "true or false";
            case "array" -> "an array";
            case "object" -> "an object";
            case "null" -> "null";
            default -> type;
        };
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

package io.pilot.engine.schema;

import io.pilot.engine.crypto.Sha256;

import com.networknt.schema.Schema;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a capability takes and returns, as JSON Schemas (draft 2020-12), and the one document that carries both:
 * <pre>{"input":{...},"output":{...}}</pre>
 * as compact UTF-8 JSON. The document's SHA-256 is its digest: a signed record names it, so a document fetched
 * from the provider is believed only if it hashes to that digest ({@link #fromDocument(byte[], String)}).
 * Both schemas are checked against the 2020-12 meta-schema when made, so an invalid one is refused where it is
 * published (at the provider's start) and where it is received.
 */
public final class CapabilitySchema {

    /** Largest document: bigger ones are refused, both when published and when fetched. */
    public static final int MAX_DOCUMENT_BYTES = 64 * 1024;

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final JsonNode input;
    private final JsonNode output;
    private final byte[] document;
    private final Schema inputValidator;

    private CapabilitySchema(JsonNode input, JsonNode output) {
        this.inputValidator = JsonSchemas.compile("the input schema", input);
        JsonSchemas.compile("the output schema", output);
        this.input = input;
        this.output = output;
        ObjectNode both = MAPPER.createObjectNode();
        both.set("input", input);
        both.set("output", output);
        this.document = MAPPER.writeValueAsBytes(both);
        if (document.length > MAX_DOCUMENT_BYTES) {
            throw new SchemaException("the schemas take " + document.length + " bytes of JSON; at most "
                    + MAX_DOCUMENT_BYTES + " are published (simplify the types, or split the capability)");
        }
    }

    /**
     * The schemas of a capability, as JSON text.
     *
     * @throws SchemaException if either is not JSON, not a valid JSON Schema 2020-12, or they are too large together
     */
    public static CapabilitySchema of(String inputSchema, String outputSchema) {
        return new CapabilitySchema(parse("the input schema", inputSchema.getBytes(StandardCharsets.UTF_8)),
                parse("the output schema", outputSchema.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A document as published (inline in a signed record, so already trusted).
     *
     * @throws SchemaException if it is not a document of two valid schemas
     */
    public static CapabilitySchema fromDocument(byte[] document) {
        if (document.length > MAX_DOCUMENT_BYTES) {
            throw new SchemaException("a schema document of " + document.length + " bytes exceeds " + MAX_DOCUMENT_BYTES);
        }
        JsonNode both = parse("the schema document", document);
        if (!both.isObject() || !both.has("input") || !both.has("output") || both.size() != 2) {
            throw new SchemaException("a schema document is a JSON object with exactly 'input' and 'output'");
        }
        return new CapabilitySchema(both.get("input"), both.get("output"));
    }

    /**
     * A document fetched from its provider, believed only if its SHA-256 is {@code digest} (from the provider's
     * signed record).
     *
     * @throws SchemaException if it does not hash to the digest, or is not a valid document
     */
    public static CapabilitySchema fromDocument(byte[] document, String digest) {
        String actual = digest(document);
        if (!actual.equals(digest)) {
            throw new SchemaException("the schema document received does not match the SHA-256 digest in the provider's "
                    + "signed record (expected " + digest + ", got " + actual + "): refused");
        }
        return fromDocument(document);
    }

    /** Lower-case hex SHA-256 of {@code bytes}, as records carry it. */
    public static String digest(byte[] bytes) {
        return HexFormat.of().formatHex(Sha256.hash(bytes));
    }

    /** The input schema, as compact JSON. */
    public String input() {
        return input.toString();
    }

    /** The output schema, as compact JSON. */
    public String output() {
        return output.toString();
    }

    /** The document's bytes, as published and fetched (a copy). */
    public byte[] document() {
        return document.clone();
    }

    /** The document's digest. */
    public String digest() {
        return digest(document);
    }

    /**
     * Every way {@code argument} (JSON) breaks the input schema; empty if it conforms.
     *
     * @throws SchemaException if it is not JSON at all
     */
    public List<Violation> validate(byte[] argument) {
        return JsonSchemas.violations(inputValidator, parse("the argument", argument));
    }

    /** Every way {@code argument} breaks the input schema; empty if it conforms. */
    public List<Violation> validate(JsonNode argument) {
        return JsonSchemas.violations(inputValidator, argument);
    }

    private static JsonNode parse(String what, byte[] json) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new SchemaException(what + " is empty, not JSON");
            }
            return node;
        } catch (JacksonException e) {
            throw new SchemaException(what + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CapabilitySchema that && Arrays.equals(document, that.document);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(document);
    }

    @Override
    public String toString() {
        return new String(document, StandardCharsets.UTF_8);
    }
}

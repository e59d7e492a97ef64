package io.pilot.engine.schema;

/** A schema document that is not JSON, not a valid JSON Schema, too large, or not the one its digest names. */
public final class SchemaException extends IllegalArgumentException {

    public SchemaException(String message) {
        super(message);
    }
}

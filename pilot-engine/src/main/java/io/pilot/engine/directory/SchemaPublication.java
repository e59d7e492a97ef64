package io.pilot.engine.directory;

import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.schema.CapabilitySchema;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * This node's capabilities with their descriptions and schemas, as its record carries them, and the schema service
 * ({@code Ports.SCHEMAS}) that hands out the documents the record names only by digest. A document goes inline
 * while it fits a metadata value and the record's inline budget; the rest go by digest, so schemas never push a
 * record past its size limit (PROTOCOL §7.4.1).
 */
final class SchemaPublication implements MessageHandler {

    /** Most bytes of schema documents carried inline in one record: half the record, the rest stays for the others. */
    static final int INLINE_BUDGET = RecordCodec.MAX_RECORD_BYTES / 2;

    private final Map<String, CapabilityInfo> capabilities = new LinkedHashMap<>();
    private final Map<String, byte[]> served = new HashMap<>();
    private int inlineBytes;

    /** A capability without description or schema, or with metadata of the caller's own. */
    void add(CapabilityInfo capability) {
        put(capability);
    }

    /**
     * A capability with its description (may be empty) and schemas.
     *
     * @throws IllegalArgumentException if the description is too long for a record
     */
    void add(String name, String description, CapabilitySchema schema) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (!description.isEmpty()) {
            int bytes = description.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > Names.MAX_METADATA_VALUE) {
                throw new IllegalArgumentException("the description of capability '" + name + "' has " + bytes
                        + " bytes of UTF-8; at most " + Names.MAX_METADATA_VALUE + " are published");
            }
            metadata.put(CapabilityInfo.DESCRIPTION, description);
        }
        byte[] document = schema.document();
        if (document.length <= Names.MAX_METADATA_VALUE && inlineBytes + document.length <= INLINE_BUDGET) {
            metadata.put(CapabilityInfo.SCHEMA, new String(document, StandardCharsets.UTF_8));
            inlineBytes += document.length;
        } else {
            metadata.put(CapabilityInfo.SCHEMA_SHA256, schema.digest());
            served.put(name, document);
        }
        put(new CapabilityInfo(name, metadata));
    }

    private void put(CapabilityInfo capability) {
        if (capabilities.putIfAbsent(capability.name(), capability) != null) {
            throw new IllegalArgumentException("capability '" + capability.name() + "' is published twice");
        }
    }

    List<CapabilityInfo> capabilities() {
        return List.copyOf(new ArrayList<>(capabilities.values()));
    }

    /** Answers a capability's name with its document; NOT_FOUND for one this node does not serve by digest. */
    @Override
    public CompletionStage<Message> handle(IncomingMessage request) {
        String name = request.message().bodyAsString();
        byte[] document = served.get(name);
        if (document == null) {
            return CompletableFuture.failedFuture(new PilotException(ErrorCode.NOT_FOUND,
                    "this node serves no schema document for capability '" + name + "'"));
        }
        return CompletableFuture.completedFuture(Message.of(document));
    }
}

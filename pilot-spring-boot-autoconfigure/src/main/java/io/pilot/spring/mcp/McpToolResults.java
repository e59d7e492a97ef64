package io.pilot.spring.mcp;

import io.pilot.spring.tools.MeshToolException;

import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tool call's outcome as an MCP {@code CallToolResult}. A reply is its JSON as text, and also as structured content
 * when it is an object (MCP's structured content is an object; the tool declares an output schema only then). A
 * failure is a tool execution error ({@code isError}), as MCP asks for errors the model can act on (arguments that
 * break the schema, a provider's refusal, a timeout): its code and what went wrong in words, never a stack trace.
 * Protocol errors (an unknown tool) are the SDK's JSON-RPC errors, before a call gets here.
 */
public final class McpToolResults {

    private static final Logger log = LoggerFactory.getLogger(McpToolResults.class);

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final JsonMapper mapper;

    public McpToolResults(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** The result of a call that answered {@code reply} (JSON, or null for no reply). */
    public CallToolResult reply(String reply) {
        if (reply == null || reply.isEmpty()) {
            return CallToolResult.builder().addTextContent("null").isError(false).build();
        }
        CallToolResult.Builder result = CallToolResult.builder().addTextContent(reply).isError(false);
        try {
            JsonNode json = mapper.readTree(reply);
            if (json.isObject()) {
                result.structuredContent(mapper.convertValue(json, OBJECT));
            }
        } catch (JacksonException notJson) {
            // a provider that answers something other than JSON: its text stands alone
        }
        return result.build();
    }

    /** The result of a call that failed with {@code failure}. */
    public CallToolResult failure(String tool, Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String text;
        if (cause instanceof MeshToolException refused) {
            text = refused.getMessage(); // the code first, then the words: "INVALID_ARGUMENT from 'papers_search': ..."
        } else {
            log.warn("MCP tool '{}' failed; its caller is told INTERNAL", tool, cause);
            text = "INTERNAL: the tool failed; the MCP server's log has the details";
        }
        return CallToolResult.builder().addTextContent(text).isError(true).build();
    }
}

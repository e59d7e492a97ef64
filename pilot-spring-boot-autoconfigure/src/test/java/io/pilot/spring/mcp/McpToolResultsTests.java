package io.pilot.spring.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.message.ErrorCode;
import io.pilot.spring.tools.MeshToolException;

import java.util.Map;
import java.util.concurrent.CompletionException;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

class McpToolResultsTests {

    private final McpToolResults results = new McpToolResults(new JsonMapper());

    @Test
    void aReplyIsItsJsonAsTextAndAnObjectAlsoAsStructuredContent() {
        CallToolResult object = results.reply("{\"title\":\"A paper\",\"year\":2017}");
        assertThat(object.isError()).isFalse();
        assertThat(text(object)).isEqualTo("{\"title\":\"A paper\",\"year\":2017}");
        assertThat(object.structuredContent()).isEqualTo(Map.of("title", "A paper", "year", 2017));

        CallToolResult list = results.reply("[1,2]");
        assertThat(text(list)).isEqualTo("[1,2]");
        assertThat(list.structuredContent()).isNull();

        assertThat(text(results.reply(null))).isEqualTo("null");
    }

    @Test
    void aFailureIsAToolErrorWithItsCodeAndWordsAndNothingOfAnUnexpectedException() {
        CallToolResult refused = results.failure("papers_resolve", new CompletionException(new MeshToolException("papers_resolve",
                ErrorCode.INVALID_ARGUMENT, "INVALID_ARGUMENT for 'papers_resolve': 'doi' is required (required)", null)));
        assertThat(refused.isError()).isTrue();
        assertThat(text(refused)).isEqualTo("INVALID_ARGUMENT for 'papers_resolve': 'doi' is required (required)");

        CallToolResult bug = results.failure("papers_resolve", new IllegalStateException("secret table PAPERS is locked"));
        assertThat(bug.isError()).isTrue();
        assertThat(text(bug)).startsWith("INTERNAL").doesNotContain("secret").doesNotContain("IllegalStateException");
    }

    private static String text(CallToolResult result) {
        return ((TextContent) result.content().get(0)).text();
    }
}

package io.pilot.spring.tools.ai;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/**
 * A language model with a script instead of weights: a user message {@code use TOOL ARGUMENTS} makes it ask for that
 * tool with those arguments (if it was offered the tool; else it answers {@code no tool TOOL}); a tool's result makes
 * it answer {@code TOOL said: RESULT}. It keeps the tools it was last offered, as a real model would see them.
 */
final class ScriptedChatModel implements ChatModel {

    private volatile Map<String, ToolDefinition> offered = Map.of();
    private final Map<String, Integer> calls = new ConcurrentHashMap<>();

    @Override
    public ChatOptions getOptions() {
        return ToolCallingChatOptions.builder().build(); // what lets the ChatClient hand it tools
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        calls.merge("model", 1, Integer::sum);
        if (prompt.getOptions() instanceof ToolCallingChatOptions options) {
            offered = options.getToolCallbacks().stream().map(ToolCallback::getToolDefinition)
                    .collect(Collectors.toMap(ToolDefinition::name, d -> d));
        }
        List<Message> messages = prompt.getInstructions();
        Message last = messages.get(messages.size() - 1);
        if (last instanceof ToolResponseMessage results) {
            ToolResponseMessage.ToolResponse result = results.getResponses().get(0);
            return answer(AssistantMessage.builder().content(result.name() + " said: " + result.responseData()).build());
        }
        String[] words = last.getText().split(" ", 3);
        if (words.length < 3 || !words[0].equals("use")) {
            return answer(new AssistantMessage("I only follow scripts: use TOOL ARGUMENTS"));
        }
        if (!offered.containsKey(words[1])) {
            return answer(new AssistantMessage("no tool " + words[1]));
        }
        AssistantMessage.ToolCall call = new AssistantMessage.ToolCall("call-" + calls.merge("tool", 1, Integer::sum),
                "function", words[1], words[2]);
        return answer(AssistantMessage.builder().content("").toolCalls(List.of(call)).build());
    }

    /** The tools the model was offered at its last call, by name. */
    Map<String, ToolDefinition> offered() {
        return offered;
    }

    private static ChatResponse answer(AssistantMessage message) {
        return new ChatResponse(List.of(new Generation(message)));
    }
}

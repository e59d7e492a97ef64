package io.pilot.samples.coordinator;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.execution.ToolExecutionException;

/**
 * The ask mode with a language model: a {@link ChatClient} given the mesh's tools as they are at this question (the
 * starter's {@code ToolCallbackProvider}), which chooses the specialists to call by itself; each call it makes is
 * kept as a step of the answer.
 */
final class ModelAsk {

    static final String SYSTEM = """
            You are the research coordinator of a mesh of specialist agents. Answer the question with their tools: \
            papers, news and exchange rates. Call a tool whenever it can answer part of the question, and say which \
            results you used. If a tool refuses, read its error and correct the arguments once.""";

    private final ChatClient chat;
    private final ToolCallbackProvider meshTools;

    ModelAsk(ChatClient chat, ToolCallbackProvider meshTools) {
        this.chat = chat;
        this.meshTools = meshTools;
    }

    AskAnswer ask(String question) {
        if (question == null || question.isBlank()) {
            throw new IllegalArgumentException("q is required, e.g. /api/ask?q=Which paper introduced the Transformer?");
        }
        if (question.length() > QuestionPlan.MAX_QUESTION) {
            throw new IllegalArgumentException("q is longer than " + QuestionPlan.MAX_QUESTION + " characters");
        }
        long started = System.nanoTime();
        List<AskAnswer.Step> steps = new CopyOnWriteArrayList<>();
        List<ToolCallback> tools = Arrays.stream(meshTools.getToolCallbacks())
                .map(tool -> (ToolCallback) new Recorded(tool, steps)).toList();
        String answer;
        try {
            answer = chat.prompt().system(SYSTEM).user(question).toolCallbacks(tools).call().content();
        } catch (RuntimeException e) {
            throw new ModelFailure(e); // not the question's fault: the model's or its server's (a tool's refusal is a result)
        }
        return new AskAnswer(question, "model", answer, List.copyOf(steps), (System.nanoTime() - started) / 1e6);
    }

    /** The model (or its server) failed: no answer, whatever the tools did. */
    static final class ModelFailure extends RuntimeException {
        ModelFailure(RuntimeException cause) {
            super("the language model failed: " + cause.getMessage(), cause);
        }
    }

    /** A mesh tool that notes each call it serves, and how it ended. */
    private record Recorded(ToolCallback tool, List<AskAnswer.Step> steps) implements ToolCallback {
        @Override
        public ToolDefinition getToolDefinition() {
            return tool.getToolDefinition();
        }

        @Override
        public String call(String arguments) {
            String name = tool.getToolDefinition().name();
            try {
                String result = tool.call(arguments);
                steps.add(new AskAnswer.Step(name, arguments, result, null));
                return result;
            } catch (ToolExecutionException e) {
                steps.add(new AskAnswer.Step(name, arguments, null, e.getCause().getMessage()));
                throw e;
            }
        }
    }
}

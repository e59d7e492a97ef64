package io.pilot.samples.coordinator;

import io.pilot.spring.tools.ai.MeshToolCallbackProvider;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

import tools.jackson.databind.json.JsonMapper;

/**
 * Answers a question in words: with a language model and the mesh's tools when a model is configured
 * ({@code spring.ai.model.chat=openai} or {@code ollama}, see the README), else with the deterministic planner, so the
 * fleet answers offline too.
 */
@Service
public class AskService {

    private static final Logger log = LoggerFactory.getLogger(AskService.class);

    private final ModelAsk model;
    private final PlannedAsk planner;

    public AskService(ResearchService research, JsonMapper json, ObjectProvider<ChatModel> models,
            ObjectProvider<ChatClient.Builder> chatClients, MeshToolCallbackProvider meshTools) {
        this.planner = new PlannedAsk(research, json);
        ChatModel configured = models.getIfUnique();
        this.model = configured == null ? null : new ModelAsk(chatClients.getIfAvailable(() -> ChatClient.builder(configured))
                .build(), meshTools);
        log.info("Ask mode: {}", configured == null ? "the deterministic planner (no language model is configured)"
                : "a language model with the mesh's tools (" + configured.getClass().getSimpleName() + ")");
    }

    /** {@code model} or {@code planner}. */
    public String mode() {
        return model != null ? "model" : "planner";
    }

    /** @throws IllegalArgumentException for a question that cannot be asked (empty, too long, no topic for the planner) */
    public AskAnswer ask(String question) {
        return model != null ? model.ask(question) : planner.ask(question);
    }
}

package io.pilot.samples.coordinator;

import io.pilot.spring.tools.ToolNames;

import java.util.List;

import tools.jackson.databind.json.JsonMapper;

/**
 * The ask mode without a language model: the question read by {@link QuestionPlan} and answered as a research request
 * (papers, news and the rates named, asked at once), the answer in the words of {@link AnswerText}.
 */
final class PlannedAsk {

    private final ResearchService research;
    private final JsonMapper json;

    PlannedAsk(ResearchService research, JsonMapper json) {
        this.research = research;
        this.json = json;
    }

    AskAnswer ask(String question) {
        long started = System.nanoTime();
        QuestionPlan plan = QuestionPlan.of(question);
        ResearchAnswer answer = research.research(new ResearchRequest(plan.topic(), plan.currencies(), "EUR", null, false));
        List<AskAnswer.Step> steps = answer.parts().stream().map(part -> new AskAnswer.Step(ToolNames.of(part.capability()),
                json.writeValueAsString(part.arguments()), part.result() == null ? null : json.writeValueAsString(part.result()),
                part.error())).toList();
        return new AskAnswer(question, "planner", AnswerText.render(answer), steps, (System.nanoTime() - started) / 1e6);
    }
}

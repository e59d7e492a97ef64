package io.pilot.samples.coordinator;

import java.util.List;

/**
 * The answer to a question asked in words ({@code GET /api/ask?q=...}).
 *
 * @param question what was asked
 * @param mode {@code model} (a language model chose and called the tools) or {@code planner} (no model is configured:
 *        the deterministic planner read the question as a research request)
 * @param answer the answer, as text
 * @param steps the tools called on the way, in order
 * @param millis the whole question
 */
public record AskAnswer(String question, String mode, String answer, List<Step> steps, double millis) {

    /**
     * One tool call.
     *
     * @param tool the tool's name ({@code papers_search})
     * @param arguments what it was called with, as JSON
     * @param result its JSON result, or null on error
     * @param error why there is no result, its code first, or null
     */
    public record Step(String tool, String arguments, String result, String error) {
    }
}

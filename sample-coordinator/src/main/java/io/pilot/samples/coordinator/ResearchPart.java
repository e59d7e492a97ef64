package io.pilot.samples.coordinator;

import io.pilot.spring.PilotReply;

import java.util.Map;

/**
 * One part of an answer: the capability asked, the agent that answered, over which path, how long it took,
 * and its result or its error.
 *
 * @param capability the capability called
 * @param arguments what it was called with
 * @param agent the answering agent's hostname; null if nobody answered
 * @param address the answering agent's address; null if nobody answered
 * @param path {@code direct}, {@code relayed}, {@code relayed over TCP} ({@link ReplyPaths}) or {@code unknown}
 * @param startMillis when the call was made, from the start of the research request (the page's waterfall)
 * @param millis from the call to the reply, discovery included
 * @param result the agent's result ({@link Papers.Found}, {@link News.Found}, {@link Fx.Rate}), or null on error
 * @param error why there is no result, its code first ({@code INVALID_ARGUMENT: …}), or null
 */
public record ResearchPart(String capability, Map<String, Object> arguments, String agent, String address, String path,
        double startMillis, double millis, Object result, String error) {

    static ResearchPart answered(Map<String, Object> arguments, double startMillis, String path, PilotReply<?> reply) {
        return new ResearchPart(reply.capability(), arguments, reply.hostname(), reply.address().toString(), path, startMillis, reply.elapsed().toNanos() / 1e6, reply.body(), null);
    }

    static ResearchPart failed(String capability, Map<String, Object> arguments, double startMillis, double millis,
            Throwable error) {
        return new ResearchPart(capability, arguments, null, null, "unknown", startMillis, millis, null,
                RemoteFailures.describe(error));
    }
}

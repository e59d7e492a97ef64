package io.pilot.spring.runtime;

import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Where the agent's capability and group-listener methods run and how many calls may be in progress: slow work
 * (an LLM call that takes seconds) must neither block the agent nor queue without bound.
 *
 * @param executor where handlers run (virtual threads, or Boot's task executor), or null for the node's own pool
 * @param maxConcurrency capability calls in progress at once on this agent; past it a call is answered OVERLOADED
 * @param capabilityMaxConcurrency limits of single capabilities, by name, over their annotations' own
 */
public record HandlerExecution(Executor executor, int maxConcurrency, Map<String, Integer> capabilityMaxConcurrency) {

    /** The node's own pool, no limits of the starter's. */
    public static final HandlerExecution DEFAULTS = new HandlerExecution(null, Integer.MAX_VALUE, Map.of());

    public HandlerExecution {
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be at least 1, got " + maxConcurrency);
        }
        capabilityMaxConcurrency = Map.copyOf(capabilityMaxConcurrency);
    }
}

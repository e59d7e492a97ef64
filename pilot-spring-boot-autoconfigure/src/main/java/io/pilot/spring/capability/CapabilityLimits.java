package io.pilot.spring.capability;

import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.PilotException;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many calls of each capability may be in progress at once, and how many are: a slow capability (an LLM call)
 * with a limit of its own is answered OVERLOADED past it, while the agent's other capabilities go on being served.
 * A capability's limit comes from {@code pilot.server.capability-max-concurrency[name]}, else from its
 * {@code @Capability(maxConcurrency)}; without either it has none of its own (the agent's limit still holds).
 */
public final class CapabilityLimits {

    /** No capability has a limit of its own. */
    public static final CapabilityLimits NONE = new CapabilityLimits(Map.of());

    private final Map<String, Integer> limits;
    private final Map<String, AtomicInteger> inProgress = new ConcurrentHashMap<>();

    private CapabilityLimits(Map<String, Integer> limits) {
        this.limits = Map.copyOf(limits);
    }

    /**
     * The limits of {@code capabilities}: their annotations' values, overridden by {@code overrides}.
     *
     * @throws IllegalArgumentException if an override names no capability of the application or is below 1
     */
    public static CapabilityLimits of(Collection<CapabilityMethod> capabilities, Map<String, Integer> overrides) {
        Map<String, Integer> limits = new HashMap<>();
        TreeSet<String> names = new TreeSet<>();
        for (CapabilityMethod capability : capabilities) {
            names.add(capability.name());
            if (capability.maxConcurrency() > 0) {
                limits.put(capability.name(), capability.maxConcurrency());
            }
        }
        overrides.forEach((name, limit) -> {
            if (!names.contains(name)) {
                throw new IllegalArgumentException("pilot.server.capability-max-concurrency names '" + name
                        + "', which is no capability of this application (it has " + names + ")");
            }
            if (limit == null || limit < 1) {
                throw new IllegalArgumentException("pilot.server.capability-max-concurrency[" + name
                        + "] must be at least 1, got " + limit);
            }
            limits.put(name, limit);
        });
        return new CapabilityLimits(limits);
    }

    /** The limit of {@code capability}, or 0 if it has none of its own. */
    public int limit(String capability) {
        return limits.getOrDefault(capability, 0);
    }

    /** Counts a call of {@code capability} in, unless it is at its limit: then false, and nothing counted. */
    public boolean tryEnter(String capability) {
        Integer limit = limits.get(capability);
        if (limit == null) {
            return true;
        }
        AtomicInteger count = inProgress.computeIfAbsent(capability, c -> new AtomicInteger());
        while (true) {
            int now = count.get();
            if (now >= limit) {
                return false;
            }
            if (count.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** The refusal of a call of {@code capability} past its limit. */
    public PilotException full(String capability) {
        return new PilotException(ErrorCode.OVERLOADED, "capability '" + capability + "' is serving its limit of "
                + limit(capability) + " calls");
    }

    /** Counts a call {@link #tryEnter admitted} before out. */
    public void exit(String capability) {
        AtomicInteger count = inProgress.get(capability);
        if (count != null) {
            count.decrementAndGet();
        }
    }

    /** Calls of {@code capability} in progress (0 for one without a limit of its own: those are not counted). */
    public int inProgress(String capability) {
        AtomicInteger count = inProgress.get(capability);
        return count == null ? 0 : count.get();
    }
}

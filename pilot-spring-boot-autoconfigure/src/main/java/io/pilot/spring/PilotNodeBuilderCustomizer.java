package io.pilot.spring;

import io.pilot.engine.PilotNode;

/**
 * Customizes the application's node before it starts: declare beans of this type to set what the {@code pilot.*}
 * properties do not (socket buffers, transport or session settings, impairment in tests). Applied in their
 * {@code @Order} (or {@code Ordered}) after the properties, so a customizer has the last word; it runs
 * again at each start of the runtime.
 */
@FunctionalInterface
public interface PilotNodeBuilderCustomizer {

    void customize(PilotNode.Builder builder);
}

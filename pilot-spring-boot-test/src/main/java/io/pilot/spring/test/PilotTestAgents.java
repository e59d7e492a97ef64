package io.pilot.spring.test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts more agents inside a test, each a separate application context with its own hostname and identity,
 * all registered with the backbone {@link EmbeddedPilotBackbone} runs. A test of several cooperating agents
 * thus runs in one JVM, with each agent configured as in production apart from where its backbone is.
 *
 * <pre>{@code
 * try (PilotTestAgents agents = new PilotTestAgents()) {
 *     PilotClient coordinator = agents.start("coordinator", CoordinatorApplication.class).getBean(PilotClient.class);
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #close()} closes the agents it started, the last one first; the backbone stays up for other tests.
 * Agents are not web applications, so they take no HTTP port.
 */
public final class PilotTestAgents implements AutoCloseable {

    private final SharedBackbone backbone = SharedBackbone.get();
    private final Deque<ConfigurableApplicationContext> started = new ArrayDeque<>();

    /** Starts {@code sources} as agent {@code hostname}. */
    public ConfigurableApplicationContext start(String hostname, Class<?>... sources) {
        return start(hostname, Map.of(), sources);
    }

    /**
     * Starts {@code sources} as agent {@code hostname}, with {@code properties} over the backbone's (they rank
     * above the application's own configuration, as command-line arguments would).
     */
    public synchronized ConfigurableApplicationContext start(String hostname, Map<String, ?> properties,
            Class<?>... sources) {
        Map<String, Object> agent = new HashMap<>(backbone.agentProperties());
        agent.put("pilot.hostname", hostname);
        agent.putAll(properties);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(sources).web(WebApplicationType.NONE)
                .initializers(c -> c.getEnvironment().getPropertySources()
                        .addFirst(new MapPropertySource("pilotTestAgent", agent)))
                .run();
        started.push(context);
        return context;
    }

    @Override
    public synchronized void close() {
        while (!started.isEmpty()) {
            started.pop().close();
        }
    }
}

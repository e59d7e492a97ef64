package io.pilot.spring.test;

import io.pilot.engine.address.PilotAddress;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real agent, a member of one group, that keeps every broadcast the group receives, for a test to look at:
 * {@code recorder.awaitMessages(2)} waits for two. The sender must be a member of the group, as for any listener
 * ({@code pilot.groups}); the recorder counts as a member once {@link PilotStubs#recorder} returns.
 */
public final class BroadcastRecorder implements AutoCloseable {

    /** One broadcast as it arrived: who sent it and its JSON body (null for an empty one). */
    public record Received(PilotAddress from, JsonNode body) {
    }

    private final String group;
    private final JsonMapper mapper;
    private final Listener listener = new Listener();
    private TestAgentRuntime runtime;

    BroadcastRecorder(String group, JsonMapper mapper) {
        this.group = group;
        this.mapper = mapper;
    }

    Listener listener() {
        return listener;
    }

    void runOn(TestAgentRuntime runtime) {
        this.runtime = runtime;
    }

    public String group() {
        return group;
    }

    public String hostname() {
        return runtime.hostname();
    }

    /** What arrived so far, in order of arrival. */
    public List<Received> received() {
        return List.copyOf(listener.received);
    }

    /** The bodies that arrived so far. */
    public List<JsonNode> messages() {
        return received().stream().map(Received::body).toList();
    }

    /** Waits until at least {@code count} broadcasts arrived ({@link EmbeddedBackboneHandle#DEFAULT_TIMEOUT}); returns their bodies. */
    public List<JsonNode> awaitMessages(int count) {
        return awaitMessages(count, EmbeddedBackboneHandle.DEFAULT_TIMEOUT);
    }

    public List<JsonNode> awaitMessages(int count, Duration timeout) {
        return Poll.until(timeout, this::messages, bodies -> bodies.size() >= count,
                count + " broadcast(s) to group '" + group + "'", () -> "received " + messages());
    }

    /** As {@link #awaitMessages(int)}, each body mapped to {@code type} with the application's JSON mapper. */
    public <T> List<T> awaitMessages(int count, Class<T> type) {
        return awaitMessages(count).stream().map(body -> mapper.treeToValue(body, type)).toList();
    }

    /** Forgets what arrived so far. */
    public void clear() {
        listener.received.clear();
    }

    /** Leaves the group: the agent deregisters and its node closes. */
    @Override
    public void close() {
        runtime.close();
    }

    /** Public for the capability registry's reflection; not part of the kit's API. */
    public static final class Listener {

        private final List<Received> received = new CopyOnWriteArrayList<>();

        public void receive(JsonNode body, PilotAddress from) {
            received.add(new Received(from, body));
        }
    }
}

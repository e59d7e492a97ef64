package io.pilot.spring.test;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.Names;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.spring.capability.CapabilityMethod;
import io.pilot.spring.capability.CapabilityRegistry;
import io.pilot.spring.capability.GroupListenerMethod;
import io.pilot.spring.runtime.PilotRuntime;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Starts stand-ins for the agents the application under test talks to, each a real agent of the test backbone
 * started in one line: a {@link StubAgent} serving a capability with a function, a {@link BroadcastRecorder}
 * keeping what a group receives. A bean of every {@link EmbeddedPilotBackbone} test's context:
 *
 * <pre>{@code
 * @Autowired PilotStubs stubs;
 *
 * stubs.stub("fx.rate", request -> Map.of("rate", 1.08));
 * stubs.stub("fx.rate", Pair.class, pair -> new Rate(pair.from(), pair.to(), 1.08));
 * stubs.streamingStub("fx.series.stream", request -> points.stream());
 * BroadcastRecorder events = stubs.recorder("fleet-events");
 * }</pre>
 *
 * Each is registered when the method returns, and the application under test sees a stub among the capability's
 * providers, so its next call finds it. They stop after each test
 * method (so one test's stubs do not answer the next one's calls) and when the context closes.
 */
public final class PilotStubs implements AutoCloseable {

    private static final AtomicInteger AGENTS = new AtomicInteger();
    private static final Method STUB_HANDLE = method(StubAgent.Handler.class, "handle", JsonNode.class);
    private static final Method STREAM_HANDLE = method(StubAgent.StreamHandler.class, "handle", JsonNode.class);
    private static final Method RECORDER_RECEIVE = method(BroadcastRecorder.Listener.class, "receive", JsonNode.class,
            PilotAddress.class);

    private final JsonMapper mapper;
    private final Supplier<PilotRuntime> application;
    private final List<AutoCloseable> started = new ArrayList<>();

    /** @param mapper the application's JSON mapper, so stubs read and write JSON as the application does */
    public PilotStubs(JsonMapper mapper) {
        this(mapper, () -> null);
    }

    /**
     * @param application the application under test's runtime (null when it has none): a stub is returned once that
     *     application sees it among the capability's providers, not only once the backbone has it
     */
    PilotStubs(JsonMapper mapper, Supplier<PilotRuntime> application) {
        this.mapper = mapper;
        this.application = application;
    }

    /** An agent serving {@code capability}: {@code handler} gets the argument as a JSON tree and returns the result. */
    public StubAgent stub(String capability, Function<JsonNode, ?> handler) {
        Objects.requireNonNull(handler, "handler");
        return start(new StubAgent(Names.checkCapability(capability), handler, false), STUB_HANDLE);
    }

    /**
     * An agent serving {@code capability} with a streamed reply: {@code handler} gets the argument as a JSON tree and
     * returns the items, pulled only as the caller asks (its credit) and closed at the end or when the caller cancels:
     * <pre>{@code
     * AtomicBoolean stopped = new AtomicBoolean();
     * stubs.streamingStub("fx.series.stream", request -> Stream.iterate(1, n -> n + 1).map(n -> Map.of("n", n))
     *         .onClose(() -> stopped.set(true)));
     * }</pre>
     * A handler that throws, or a stub told to {@link StubAgent#failWith fail}, fails the stream before any item.
     */
    public StubAgent streamingStub(String capability, Function<JsonNode, ? extends Stream<?>> handler) {
        Objects.requireNonNull(handler, "handler");
        return start(new StubAgent(Names.checkCapability(capability), handler, true), STREAM_HANDLE);
    }

    private StubAgent start(StubAgent stub, Method handle) {
        String hostname = hostname("stub", stub.capability());
        CapabilityRegistry registry = new CapabilityRegistry();
        registry.register(new CapabilityMethod(stub.capability(), "stub", hostname, stub.invoked(), handle, mapper));
        stub.runOn(track(TestAgentRuntime.start(hostname, registry, List.of(), mapper)));
        awaitSeenByApplication(stub);
        return stub;
    }

    /** As {@link #stub(String, Function)}, the argument mapped to {@code argumentType} first. */
    public <T> StubAgent stub(String capability, Class<T> argumentType, Function<? super T, ?> handler) {
        Objects.requireNonNull(handler, "handler");
        return stub(capability, request -> handler.apply(request == null ? null : mapper.treeToValue(request, argumentType)));
    }

    /** An agent that joins {@code group} and keeps every broadcast to it. */
    public BroadcastRecorder recorder(String group) {
        String name = Names.checkGroup(group);
        BroadcastRecorder recorder = new BroadcastRecorder(name, mapper);
        CapabilityRegistry registry = new CapabilityRegistry();
        String hostname = hostname("recorder", name);
        registry.register(new GroupListenerMethod(name, hostname, recorder.listener(), RECORDER_RECEIVE, mapper));
        recorder.runOn(track(TestAgentRuntime.start(hostname, registry, List.of(name), mapper)));
        return recorder;
    }

    /**
     * An application that already watches the capability (an earlier call) hears of a new provider by the backbone's
     * push, a moment after the stub registered: wait for it, so the test's next call finds the stub.
     */
    private void awaitSeenByApplication(StubAgent stub) {
        PilotRuntime runtime = application.get();
        if (runtime == null || !runtime.isRunning()) {
            return;
        }
        Poll.until(EmbeddedBackboneHandle.DEFAULT_TIMEOUT, () -> runtime.directory().providers(stub.capability()).join(),
                providers -> providers.stream().anyMatch(p -> p.address().equals(stub.address())),
                "the application to see " + stub.hostname() + " among the providers of '" + stub.capability() + "'",
                () -> "it sees " + runtime.directory().providers(stub.capability()).join().stream().map(NodeRecord::hostname).toList());
    }

    /** Stops every stub and recorder started so far. */
    @Override
    public synchronized void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop " + started.get(i), e);
            }
        }
        started.clear();
    }

    private synchronized TestAgentRuntime track(TestAgentRuntime runtime) {
        started.add(runtime);
        return runtime;
    }

    /** {@code <kind>-<name>-<n>}, unique in the JVM, cut to a hostname's 63 characters. */
    private static String hostname(String kind, String name) {
        String suffix = "-" + AGENTS.incrementAndGet();
        String base = (kind + "-" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")).replaceAll("-+$", "");
        return base.substring(0, Math.min(base.length(), 63 - suffix.length())) + suffix;
    }

    private static Method method(Class<?> type, String name, Class<?>... parameters) {
        try {
            return type.getMethod(name, parameters);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.pilot.spring.test;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.PilotException;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;

/**
 * One agent {@link PilotStubs} started: a real node registered with the test backbone, serving one capability
 * with the test's function. The application under test reaches it as it would reach the real agent (lookup,
 * session, transport), so what a stub proves holds in production.
 *
 * <p>A stub from {@link PilotStubs#streamingStub} serves a streamed reply: its function's {@link Stream}, pulled as the
 * caller's credit asks and closed when the caller cancels (so {@code Stream.onClose} tells a test the caller stopped).
 *
 * <p>{@link #failWith} makes every later call fail with an error code; {@link #stop} makes the agent go away
 * (deregistered, its node closed), as a crashed or redeployed one would.
 */
public final class StubAgent implements AutoCloseable {

    private final String capability;
    private final Handler handler;
    private final Object invoked;
    private TestAgentRuntime runtime;

    /** @param streams whether {@code function} returns a {@link Stream} of items, served as a streamed reply */
    StubAgent(String capability, Function<JsonNode, ?> function, boolean streams) {
        this.capability = capability;
        this.handler = new Handler(function);
        this.invoked = streams ? new StreamHandler(handler) : handler;
    }

    /** The object whose {@code handle} method the agent's capability registry invokes ({@link Handler} or {@link StreamHandler}). */
    Object invoked() {
        return invoked;
    }

    void runOn(TestAgentRuntime runtime) {
        this.runtime = runtime;
    }

    public String capability() {
        return capability;
    }

    /** Its hostname, unique in the JVM ({@code stub-<capability>-<n>}). */
    public String hostname() {
        return runtime.hostname();
    }

    public PilotAddress address() {
        return runtime.address();
    }

    /** Calls it has answered or refused so far. */
    public int calls() {
        return handler.calls.get();
    }

    /** From now on every call fails with {@code code} and {@code detail}, as a handler throwing {@link PilotException} does. */
    public StubAgent failWith(ErrorCode code, String detail) {
        handler.failure = new Failure(Objects.requireNonNull(code, "code"), detail);
        return this;
    }

    /** From now on calls are answered by the function again. */
    public StubAgent succeed() {
        handler.failure = null;
        return this;
    }

    /** Makes the agent go away: it deregisters and its node closes. Idempotent. */
    public void stop() {
        runtime.close();
    }

    public boolean isRunning() {
        return runtime.isRunning();
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "StubAgent[" + capability + " on " + (runtime == null ? "?" : runtime.hostname()) + "]";
    }

    /** Public for the capability registry's reflection; not part of the kit's API. */
    public static final class Handler {

        private final Function<JsonNode, ?> function;
        private final AtomicInteger calls = new AtomicInteger();
        private volatile Failure failure;

        Handler(Function<JsonNode, ?> function) {
            this.function = function;
        }

        public Object handle(JsonNode request) {
            calls.incrementAndGet();
            Failure fail = failure;
            if (fail != null) {
                throw new PilotException(fail.code(), fail.detail());
            }
            return function.apply(request);
        }
    }

    /**
     * Public for the capability registry's reflection: a stub whose capability streams its reply, since a method's
     * declared {@code Stream} return is what makes a capability streamed. Counted and failed as {@link Handler} is.
     */
    public static final class StreamHandler {

        private final Handler handler;

        StreamHandler(Handler handler) {
            this.handler = handler;
        }

        public Stream<?> handle(JsonNode request) {
            return (Stream<?>) handler.handle(request);
        }
    }

    private record Failure(ErrorCode code, String detail) {
    }
}

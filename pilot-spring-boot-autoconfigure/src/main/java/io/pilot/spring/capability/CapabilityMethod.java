package io.pilot.spring.capability;

import io.pilot.engine.message.Cancellation;
import io.pilot.spring.PilotCapabilityException;
import io.pilot.engine.schema.CapabilitySchema;
import io.pilot.engine.schema.SchemaException;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

import org.springframework.core.MethodParameter;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;

import tools.jackson.databind.json.JsonMapper;

/**
 * One {@code @Capability} method of one bean, invoked through Spring's messaging handler-method infrastructure:
 * its parameters are resolved from the request by {@link CapabilityArguments}, its result, a value or one to come
 * ({@code CompletionStage}, {@code Mono}: {@link AsyncResults}), encoded as JSON. A method returning a stream of
 * results ({@code Flux}, {@code java.util.stream.Stream}, {@code Flow.Publisher}: {@link StreamResults}) serves a
 * streamed reply, each element one item ({@link #invokeStream}); a plain call of it is refused INVALID_ARGUMENT, since
 * collecting an unbounded stream into one reply would hold it all in memory.
 */
public final class CapabilityMethod {

    private final String name;
    private final String description;
    private final String beanName;
    private final Method method;
    private final InvocableHandlerMethod handler;
    private final JsonMapper mapper;
    private final boolean returnsVoid;
    private final boolean streams;
    private final CapabilitySchema schema;
    private final ArgumentSchema argumentSchema;

    private final int maxConcurrency;
    private final boolean onEventLoop;

    public CapabilityMethod(String name, String description, String beanName, Object bean, Method method, JsonMapper mapper) {
        this(name, description, 0, beanName, bean, method, mapper, new CapabilityArguments(mapper));
    }

    /** @param maxConcurrency how many calls may be in progress at once, or 0 for no limit of its own */
    public CapabilityMethod(String name, String description, int maxConcurrency, String beanName, Object bean, Method method,
            JsonMapper mapper) {
        this(name, description, maxConcurrency, beanName, bean, method, mapper, new CapabilityArguments(mapper));
    }

    /** @param arguments how the method's parameters are resolved from a request */
    public CapabilityMethod(String name, String description, int maxConcurrency, String beanName, Object bean, Method method,
            JsonMapper mapper, CapabilityArguments arguments) {
        this(name, description, maxConcurrency, false, beanName, bean, method, mapper, arguments);
    }

    /** @param onEventLoop whether it runs on the agent's event loop ({@link io.pilot.spring.Capability#eventLoop}) */
    public CapabilityMethod(String name, String description, int maxConcurrency, boolean onEventLoop, String beanName,
            Object bean, Method method, JsonMapper mapper, CapabilityArguments arguments) {
        this.name = name;
        this.description = description;
        this.beanName = beanName;
        this.method = method;
        if (maxConcurrency < 0) {
            throw refused("has maxConcurrency " + maxConcurrency + "; it must be at least 1, or 0 for no limit of its own");
        }
        this.maxConcurrency = maxConcurrency;
        this.streams = StreamResults.isStreamed(method.getReturnType());
        checkParameterNames();
        this.schema = generateSchema(mapper);
        this.argumentSchema = new ArgumentSchema(name, schema, PayloadArgumentResolver.payloadNames(method));
        this.mapper = mapper;
        this.handler = new InvocableHandlerMethod(bean, method);
        this.handler.setMessageMethodArgumentResolvers(arguments.resolvers());
        Class<?> result = method.getReturnType();
        this.returnsVoid = result == void.class || result == Void.class;
        if (onEventLoop && maxConcurrency > 0) {
            throw refused("runs on the event loop (eventLoop = true), where its calls run one at a time: maxConcurrency "
                    + maxConcurrency + " would never be reached; leave it 0");
        }
        // Object too: a declared type that could hold a future would be found out only when one came back.
        if (onEventLoop && (streams || result.isAssignableFrom(CompletableFuture.class)
                || AsyncResults.isAsync(new MethodParameter(method, -1)))) {
            throw refused("runs on the event loop (eventLoop = true), so it must return its result, not one to come: "
                    + result.getSimpleName() + " is answered later, on another thread; return the value itself, or "
                    + "leave eventLoop off");
        }
        this.onEventLoop = onEventLoop;
    }

    /** Several parameters are bound by name, so their names must be compiled in. */
    private void checkParameterNames() {
        List<String> payloads = PayloadArgumentResolver.payloadNames(method);
        if (payloads.size() > 1 && payloads.contains(null)) {
            throw refused("takes " + payloads.size() + " parameters, bound from the argument's fields by name, but the "
                    + "names are not in the class file: compile with -parameters");
        }
    }

    /** Published with the capability and checked against every argument: refused here, at startup, if unusable. */
    private CapabilitySchema generateSchema(JsonMapper mapper) {
        try {
            return CapabilitySchemas.generate(method, mapper);
        } catch (SchemaException e) {
            throw refused("has types whose JSON Schema cannot be published: " + e.getMessage());
        }
    }

    private IllegalStateException refused(String why) {
        return new IllegalStateException("@Capability(\"" + name + "\") on " + origin() + " " + why);
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    /** Whether it answers with a streamed reply ({@link #invokeStream}) rather than one result. */
    public boolean streams() {
        return streams;
    }

    /** The JSON Schemas of its argument and result, as published in the agent's record. */
    public CapabilitySchema schema() {
        return schema;
    }

    /** How many calls may be in progress at once, or 0 for no limit of its own. */
    public int maxConcurrency() {
        return maxConcurrency;
    }

    /** Whether it runs on the agent's event loop rather than the handler executor ({@code @Capability(eventLoop = true)}). */
    public boolean onEventLoop() {
        return onEventLoop;
    }

    /** Where it is declared, for messages: {@code beanName.method}. */
    public String origin() {
        return beanName + "." + method.getName();
    }

    /**
     * Invokes the method with the arguments resolved from {@code request}; completes with the JSON result (null for
     * void or no result). Cancelling the returned stage cancels a result still to come (a {@code CompletableFuture}
     * cancelled, a {@code Mono}'s subscription disposed).
     *
     * @throws Exception what resolving the arguments or the method threw
     */
    public CompletionStage<byte[]> invoke(Message<byte[]> request) throws Exception {
        if (streams) {
            throw PilotCapabilityException.invalidArgument("capability '" + name + "' streams its reply; call it with stream()");
        }
        argumentSchema.check(request);
        Object result = InboundRequest.intoReactorContext(handler.invoke(request));
        if (result == null) {
            return CompletableFuture.completedFuture(null);
        }
        MethodParameter type = handler.getReturnValueType(result);
        CompletableFuture<?> pending = AsyncResults.toFuture(result, type);
        if (pending != null) {
            return Cancels.upstream(pending.thenApply(this::encode), pending);
        }
        return CompletableFuture.completedFuture(returnsVoid ? null : encode(result));
    }

    /**
     * Invokes a method that {@link #streams} with the arguments resolved from {@code request}, a request being served
     * ({@code cancellation}, the current {@link InboundRequest}); its elements, as they are asked for, each encoded as
     * JSON. A null element fails the stream (a streamed item is a value). A {@code Flux} carries the request in its
     * Reactor context; a {@code Stream} is pulled with it as the {@link InboundRequest} and cancelled with it.
     *
     * @throws Exception what resolving the arguments or the method threw
     */
    public Flow.Publisher<byte[]> invokeStream(Message<byte[]> request, Cancellation cancellation) throws Exception {
        if (!streams) {
            throw new IllegalStateException(origin() + " answers with one result, not a stream");
        }
        argumentSchema.check(request);
        Object result = InboundRequest.intoReactorContext(handler.invoke(request));
        return new MappedItems<>(StreamResults.publisher(result, cancellation), item -> mapper.writeValueAsBytes(
                Objects.requireNonNull(item, "capability '" + name + "' streamed a null element")));
    }

    private byte[] encode(Object value) {
        return value == null ? null : mapper.writeValueAsBytes(value);
    }
}

package io.pilot.spring.client;

import io.pilot.engine.directory.Names;
import io.pilot.engine.session.EventLoopThreads;
import io.pilot.spring.Capability;
import io.pilot.spring.CapabilityCall;
import io.pilot.spring.PilotReply;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.messaging.handler.annotation.Header;

/**
 * One method of a client interface, read once: the capability it calls, how its arguments become the request
 * (no parameter: no body; one: the whole body; several: a JSON object by parameter name; {@link Header} ones:
 * request headers), and how the reply comes back (the value, a {@code CompletableFuture}/{@code CompletionStage}
 * of it, or a Reactor {@code Mono} of it; the value may be a {@link PilotReply} of the result, to know who answered,
 * over which path, in how long; a streamed reply's elements as a Reactor {@code Flux}, or as a
 * {@code java.util.stream.Stream} read as they arrive, which the caller closes). Bad methods are refused with what to
 * change.
 */
final class ClientInterfaceMethod {

    private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();
    private static final String MONO = "reactor.core.publisher.Mono";
    private static final String FLUX = "reactor.core.publisher.Flux";

    private enum Result { VALUE, FUTURE, MONO, FLUX, STREAM }

    /** A {@link Header} parameter: which argument, under which name, and whether it may be null (then not sent). */
    private record HeaderParameter(int index, String name, boolean required) {
    }

    private final String capability;
    private final Duration timeout;
    /** Body parameters by name, in order; one of them alone is the whole body. */
    private final Map<String, Integer> body;
    private final List<HeaderParameter> headers;
    private final Result result;
    /** Whether the value is a {@link PilotReply} of {@link #resultType}: the call is then an exchange. */
    private final boolean reply;
    private final ParameterizedTypeReference<Object> resultType;

    private ClientInterfaceMethod(String capability, Duration timeout, Map<String, Integer> body,
            List<HeaderParameter> headers, Result result, Type resultType) {
        this.capability = capability;
        this.timeout = timeout;
        this.body = body;
        this.headers = headers;
        this.result = result;
        Type replied = repliedType(resultType);
        this.reply = replied != null;
        this.resultType = ParameterizedTypeReference.forType(reply ? replied : resultType);
    }

    /** The {@code T} of a {@code PilotReply<T>} ({@code Object} for a raw one), or null if {@code type} is no PilotReply. */
    private static Type repliedType(Type type) {
        if (type == PilotReply.class) {
            return Object.class;
        }
        return type instanceof ParameterizedType parameterized && parameterized.getRawType() == PilotReply.class
                ? parameterized.getActualTypeArguments()[0] : null;
    }

    /** @throws IllegalArgumentException naming the method and what is wrong with it */
    static ClientInterfaceMethod of(Method method) {
        String where = method.getDeclaringClass().getName() + "." + method.getName();
        Capability capability = AnnotatedElementUtils.findMergedAnnotation(method, Capability.class);
        if (capability == null) {
            throw new IllegalArgumentException(where + " has no @Capability naming the capability it calls");
        }
        String name;
        try {
            name = Names.checkCapability(capability.value());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("@Capability on " + where + ": " + e.getMessage());
        }
        Parameter[] parameters = method.getParameters();
        String[] names = NAMES.getParameterNames(method);
        Map<String, Integer> body = new LinkedHashMap<>();
        List<HeaderParameter> headers = new ArrayList<>();
        for (int i = 0; i < parameters.length; i++) {
            Header header = AnnotatedElementUtils.findMergedAnnotation(parameters[i], Header.class);
            String parameterName = names == null ? null : names[i];
            if (header != null) {
                String headerName = header.name().isEmpty() ? parameterName : header.name();
                if (headerName == null) {
                    throw new IllegalArgumentException(where + ": @Header parameter " + i
                            + " needs a name (@Header(\"name\")) or the code compiled with -parameters");
                }
                headers.add(new HeaderParameter(i, headerName, header.required()));
            } else {
                if (parameterName == null && parameters.length > 1) {
                    throw new IllegalArgumentException(where + " takes several parameters, sent by name: compile with -parameters");
                }
                body.put(parameterName == null ? "arg" + i : parameterName, i);
            }
        }
        Class<?> returned = method.getReturnType();
        Type resultType = method.getGenericReturnType();
        Result result = Result.VALUE;
        if (returned == CompletableFuture.class || returned == CompletionStage.class || returned.getName().equals(MONO)
                || returned.getName().equals(FLUX) || returned == Stream.class) {
            result = returned.getName().equals(MONO) ? Result.MONO : returned.getName().equals(FLUX) ? Result.FLUX
                    : returned == Stream.class ? Result.STREAM : Result.FUTURE;
            resultType = resultType instanceof ParameterizedType parameterized ? parameterized.getActualTypeArguments()[0]
                    : Object.class;
        } else if (CompletionStage.class.isAssignableFrom(returned)) {
            throw new IllegalArgumentException(where + " returns " + returned.getSimpleName()
                    + ": declare CompletableFuture or CompletionStage");
        }
        if (resultType == void.class) {
            resultType = Void.class;
        }
        Duration timeout = capability.timeout().isEmpty() ? null : parseTimeout(where, capability.timeout());
        return new ClientInterfaceMethod(name, timeout, body, headers, result, resultType);
    }

    private static Duration parseTimeout(String where, String timeout) {
        try {
            return DurationStyle.detectAndParse(timeout);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("@Capability(timeout = \"" + timeout + "\") on " + where
                    + ": not a duration (write e.g. 2s or PT2S)");
        }
    }

    String capability() {
        return capability;
    }

    /** Makes the call with {@code args} on {@code call} (already targeted), answering as the method returns. */
    Object invoke(CapabilityCall call, Object[] args) {
        CapabilityCall spec = timeout == null ? call : call.timeout(timeout);
        for (HeaderParameter header : headers) {
            Object value = args[header.index()];
            if (value == null && header.required()) {
                throw new IllegalArgumentException(capability + ": header '" + header.name() + "' is required, got null");
            }
            if (value != null) {
                spec = spec.header(header.name(), value.toString());
            }
        }
        Object request = request(args);
        CapabilityCall ready = spec;
        return switch (result) {
            case VALUE -> reply ? awaitExchange(ready, request) : ready.call(request, resultType);
            case FUTURE -> send(ready, request);
            case MONO -> MonoResults.deferred(() -> send(ready, request));
            case FLUX -> ready.stream(request, resultType);
            case STREAM -> StreamOfItems.of(ready.streamItems(request, resultType));
        };
    }

    @SuppressWarnings("unchecked") // a future of PilotReply<Object> is a future of Object: only read, never completed here
    private CompletableFuture<Object> send(CapabilityCall call, Object request) {
        return reply ? (CompletableFuture<Object>) (CompletableFuture<?>) call.exchange(request, resultType)
                : call.callAsync(request, resultType);
    }

    /** A blocking exchange fails as a blocking call does: with the {@code PilotRemoteException} itself. */
    private Object awaitExchange(CapabilityCall call, Object request) {
        EventLoopThreads.refuseBlockingWait("a blocking call"); // before anything is sent, as a blocking call() is
        try {
            return call.exchange(request, resultType).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private Object request(Object[] args) {
        if (body.isEmpty()) {
            return null;
        }
        if (body.size() == 1) {
            return args[body.values().iterator().next()];
        }
        Map<String, Object> object = new LinkedHashMap<>();
        body.forEach((name, index) -> object.put(name, args[index]));
        return object;
    }
}

package io.pilot.spring.client;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.Names;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.group.AnycastReply;
import io.pilot.engine.group.BroadcastResult;
import io.pilot.engine.message.Cancellation;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.session.EventLoopThreads;
import io.pilot.engine.session.PeerSnapshot;
import io.pilot.spring.CapabilityCall;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotRemoteException;
import io.pilot.spring.PilotReply;
import io.pilot.spring.capability.CapabilityProtocol;
import io.pilot.spring.capability.InboundRequest;
import io.pilot.spring.observation.CallerContext;
import io.pilot.spring.observation.DefaultPilotClientObservationConvention;
import io.pilot.spring.observation.PilotBroadcastObservationConvention;
import io.pilot.spring.observation.PilotClientObservationConvention;
import io.pilot.spring.observation.PilotClientRequestContext;
import io.pilot.spring.observation.PilotObservationDocumentation;
import io.pilot.spring.observation.PilotPath;
import io.pilot.spring.runtime.PilotRuntime;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link PilotClient} the auto-configuration provides: JSON through the application's mapper, discovery and
 * anycast through the directory of the {@link PilotRuntime}, every call straight to the provider, observed (see
 * {@link Call}). Capabilities and hostnames are resolved from watches the first call opens, so calls to known
 * providers ask nothing of the backbone and go on while it is down.
 */
public final class DefaultPilotClient implements PilotClient {

    /** How stale the path a reply reports may be: it changes seldom, and reading it costs a hop to the event loop. */
    private final PilotRuntime runtime;
    private final JsonMapper mapper;
    private final ObservationRegistry observations;
    private final PilotClientObservationConvention convention;
    private final StreamProviders streamProviders;
    private volatile PilotBroadcastObservationConvention broadcastConvention;

    public DefaultPilotClient(PilotRuntime runtime, JsonMapper mapper) {
        this(runtime, mapper, ObservationRegistry.NOOP, null);
    }

    /** {@code convention} null means the default one. */
    public DefaultPilotClient(PilotRuntime runtime, JsonMapper mapper, ObservationRegistry observations,
            PilotClientObservationConvention convention) {
        this.runtime = runtime;
        this.mapper = mapper;
        this.observations = observations;
        this.convention = convention;
        this.streamProviders = new StreamProviders(runtime);
    }

    @Override
    public CapabilityCall capability(String capability) {
        return new DefaultCapabilityCall(this, CallOptions.anycast(capability));
    }

    @Override
    public <T> T call(String capability, Object request, Class<T> responseType) {
        return this.<T>awaitReply(CallOptions.anycast(capability), request, responseType).body();
    }

    @Override
    public <T> CompletableFuture<T> callAsync(String capability, Object request, Class<T> responseType) {
        return this.<T>pending(CallOptions.anycast(capability), request, responseType).asyncBody();
    }

    @Override
    public <T> CompletableFuture<PilotReply<T>> exchange(String capability, Object request, Class<T> responseType) {
        return this.<T>pending(CallOptions.anycast(capability), request, responseType).async();
    }

    @Override
    public <T> T call(String hostnameOrAddress, String capability, Object request, Class<T> responseType) {
        return this.<T>awaitReply(CallOptions.anycast(capability).to(hostnameOrAddress), request, responseType).body();
    }

    /**
     * A blocking call, refused at once on an event loop before anything is sent: there its reply could never come
     * ({@link EventLoopThreads}).
     */
    <T> PilotReply<T> awaitReply(CallOptions options, Object request, Type responseType) {
        EventLoopThreads.refuseBlockingWait("a blocking call");
        return this.<T>pending(options, request, responseType).await();
    }

    @Override
    public <T> CompletableFuture<T> callAsync(String hostnameOrAddress, String capability, Object request,
            Class<T> responseType) {
        return this.<T>pending(CallOptions.anycast(capability).to(hostnameOrAddress), request, responseType).asyncBody();
    }

    @Override
    public <T> CompletableFuture<PilotReply<T>> exchange(String hostnameOrAddress, String capability, Object request,
            Class<T> responseType) {
        return this.<T>pending(CallOptions.anycast(capability).to(hostnameOrAddress), request, responseType).async();
    }

    /**
     * Sends a call as {@code options} say, its reply to be read as {@code responseType} (a class or a generic type):
     * what every calling method, the {@link CapabilityCall} specs and the client interfaces come down to.
     *
     * <p>Made while a capability method serves a request ({@link InboundRequest}), the call takes no longer than what
     * is left of that request's deadline (a deadline shrinks across hops, never grows), and is cancelled with it.
     */
    <T> Pending<?, T> pending(CallOptions options, Object request, Type responseType) {
        Cancellation inbound = InboundRequest.current();
        CallOptions total = totalAsTimeout(options);
        CallOptions bounded = inbound == null ? total : withinInbound(total, inbound);
        Message message = encode(bounded, request);
        JavaType type = mapper.constructType(responseType);
        Pending<?, T> pending = bounded.hostname() != null ? direct(bounded, message, type) : anycast(bounded, message, type);
        if (inbound != null) {
            inbound.onCancel(() -> pending.answer().cancel(true));
        }
        return pending;
    }

    /** A plain call's timeout is its total: a {@link CallOptions#deadline} shorter than it replaces it. */
    private CallOptions totalAsTimeout(CallOptions options) {
        Duration own = options.timeout() != null ? options.timeout() : runtime.requestTimeout();
        return options.deadline() != null && options.deadline().compareTo(own) < 0 ? options.timeout(options.deadline())
                : options;
    }

    /** {@code options} with the timeout cut to what is left of the served request's deadline, when that is less. */
    private CallOptions withinInbound(CallOptions options, Cancellation inbound) {
        refuseIfOver(options.capability(), inbound);
        Duration own = options.timeout() != null ? options.timeout() : runtime.requestTimeout();
        Duration bounded = inbound.within(own);
        return bounded.equals(own) ? options : options.timeout(bounded);
    }

    /** A call made for a served request that was cancelled, or whose deadline passed, is not sent: it fails with why. */
    private static void refuseIfOver(String capability, Cancellation inbound) {
        if (inbound.isCancelled()) {
            throw new PilotRemoteException(inbound.reason(), capability + ": not sent, the request being served "
                    + "was cancelled (" + inbound.reason() + ")", null);
        }
        if (inbound.remaining().filter(Duration::isZero).isPresent()) {
            throw new PilotRemoteException(ErrorCode.DEADLINE_EXCEEDED, capability
                    + ": not sent, the deadline of the request being served has passed", null);
        }
    }

    /** Sends a call to one provider of the capability (in the options' group, if any), chosen by the runtime's anycast. */
    private <T> Pending<AnycastReply, T> anycast(CallOptions options, Message message, JavaType responseType) {
        String capability = options.capability();
        Call call = new Call(capability, null);
        CompletableFuture<AnycastReply> sent;
        try {
            sent = runtime.outgoing(() -> options.group() == null && options.timeout() == null
                    ? runtime.messaging().anycast(capability, CapabilityProtocol.PORT, call.traced(message))
                    : options.timeout() == null
                            ? runtime.messaging().anycast(options.group(), capability, CapabilityProtocol.PORT, call.traced(message))
                            : runtime.messaging().anycast(options.group(), capability, CapabilityProtocol.PORT,
                                    call.traced(message), options.timeout()));
        } catch (RuntimeException e) {
            throw call.aborted(e);
        }
        return new Pending<>(sent, (reply, error) -> {
            if (reply != null) {
                call.answeredBy(reply.member().hostname(), reply.member().address());
            }
            return call.finish(reply == null ? null : reply.reply(), error, responseType);
        });
    }

    /** Sends a call to the node the options name. */
    private <T> Pending<Message, T> direct(CallOptions options, Message message, JavaType responseType) {
        String hostnameOrAddress = options.hostname();
        String capability = options.capability();
        Call call = new Call(capability, hostnameOrAddress);
        Message traced = call.traced(message);
        // Not DirectoryClient.request: it resolves and sends the same way but keeps the resolved address to itself,
        // and the reply, the observation and the path all need it, even when the call then fails. Resolving again
        // afterwards might name another node (it moved or restarted meanwhile).
        Function<PilotAddress, CompletableFuture<Message>> send = address -> {
            // Addresses always hold a ':', hostnames never do.
            call.answeredBy(hostnameOrAddress.indexOf(':') >= 0 ? null : hostnameOrAddress, address);
            PilotSocketAddress target = new PilotSocketAddress(address, CapabilityProtocol.PORT);
            return options.timeout() == null ? runtime.node().request(target, traced)
                    : runtime.node().request(target, traced, options.timeout());
        };
        CompletableFuture<Message> sent;
        try {
            // Resolution is answered from a watch on the name after the first call, so the backbone is not in the
            // call's path; then the node's own future is used as is, and a blocked caller is woken from the loop.
            sent = runtime.outgoing(() -> {
                CompletableFuture<PilotAddress> resolved = runtime.directory().resolve(hostnameOrAddress);
                return resolved.isDone() && !resolved.isCompletedExceptionally() ? send.apply(resolved.join())
                        : ThenSend.of(resolved, send);
            });
        } catch (RuntimeException e) {
            throw call.aborted(e);
        }
        return new Pending<>(sent, (reply, error) -> call.finish(reply, error, responseType));
    }

    /**
     * A streamed call as {@code options} say ({@link StreamedCall}), each item read as {@code itemType}: what the
     * {@link CapabilityCall} specs' {@code stream} methods and client interfaces returning a stream come down to. Each
     * subscription is one call, observed as {@link PilotObservationDocumentation#CLIENT_REQUEST} until the stream
     * ends and counted through {@link PilotRuntime#outgoing} meanwhile; {@code options.timeout()} is its idle limit
     * (to the first item, then between items), {@code options.deadline()} its total limit. Assembled while a
     * capability method serves a request ({@link InboundRequest}), the stream never outlives that request's deadline.
     */
    <T> Flow.Publisher<T> streamed(CallOptions options, Object request, Type itemType) {
        Message message = encode(options, request);
        JavaType type = mapper.constructType(itemType);
        String capability = options.capability();
        Cancellation inbound = InboundRequest.current();
        return new StreamedCall<Call, T>(() -> new Call(capability, options.hostname()),
                call -> openStream(options, streamDeadline(options, inbound), call, message),
                json -> readItem(capability, json, type), error -> failure(capability, error));
    }

    /**
     * The total limit of a stream subscribed now: the caller's {@link CallOptions#deadline}, cut to what is left of the
     * served request's deadline when that is less; null for none.
     */
    private static Duration streamDeadline(CallOptions options, Cancellation inbound) {
        if (inbound == null) {
            return options.deadline();
        }
        refuseIfOver(options.capability(), inbound);
        return options.deadline() != null ? inbound.within(options.deadline()) : inbound.remaining().orElse(null);
    }

    /**
     * Finds the call's target and asks it for the stream, with {@code deadline} as its total limit (null: none); the
     * call counts as outgoing until the stream ends.
     */
    private CompletableFuture<Flow.Publisher<Message>> openStream(CallOptions options, Duration deadline, Call call,
            Message message) {
        Message traced = call.traced(message);
        runtime.outgoing(() -> call.streamEnded); // refused (PilotException) when the agent is stopping
        Duration idle = options.timeout() != null ? options.timeout() : runtime.requestTimeout();
        return streamTarget(options, call).thenApply(address -> {
            PilotSocketAddress target = new PilotSocketAddress(address, CapabilityProtocol.PORT);
            return deadline == null ? runtime.node().requestStream(target, traced, idle, PilotNode.DEFAULT_STREAM_WINDOW)
                    : runtime.node().requestStream(target, traced, idle, PilotNode.DEFAULT_STREAM_WINDOW, deadline);
        });
    }

    /** The named agent, resolved, or the provider {@link StreamProviders} chooses. */
    private CompletableFuture<PilotAddress> streamTarget(CallOptions options, Call call) {
        String named = options.hostname();
        if (named != null) {
            return runtime.directory().resolve(named).thenApply(address -> {
                call.answeredBy(named.indexOf(':') >= 0 ? null : named, address); // addresses hold a ':', hostnames never
                return address;
            });
        }
        return streamProviders.choose(options.capability(), options.group()).thenApply(provider -> {
            call.answeredBy(provider.hostname(), provider.address());
            return provider.address();
        });
    }

    /** One streamed item as {@code type}; null for JSON null; one that does not fit is the provider's mistake, named. */
    private <T> T readItem(String capability, byte[] json, JavaType type) {
        try {
            return mapper.readValue(json, type);
        } catch (JacksonException e) {
            throw new PilotRemoteException(ErrorCode.PROTOCOL, capability + ": a streamed item does not read as "
                    + type.toCanonical() + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * A call on its way: the engine's future of the provider's answer, and how that answer becomes the caller's
     * reply (decoded, observed). Where that runs is the point: never on the event loop, and for a blocking call on
     * the caller's own thread, woken by the engine straight from the loop, without the callback executor between.
     */
    record Pending<R, T>(CompletableFuture<R> answer, BiFunction<R, Throwable, PilotReply<T>> finish) {

        /** Blocks until the answer is in, then decodes and observes it on this thread. */
        PilotReply<T> await() {
            R value = null;
            Throwable error = null;
            try {
                value = get(answer);
            } catch (ExecutionException e) {
                error = e.getCause();
            } catch (PilotRemoteException | CancellationException stopped) {
                error = stopped; // interrupted, or the call was cancelled (the request being served was)
            }
            try {
                return finish.apply(value, error);
            } catch (RuntimeException e) {
                throw failure("call", e); // as the asynchronous variants' callers see it, through join
            }
        }

        /**
         * Decodes and observes where the engine's future completes: a woken waiter's thread or the node's callback
         * executor, never the event loop.
         */
        CompletableFuture<PilotReply<T>> async() {
            // The caller's stages run in its trace. Its cancel cancels the engine's future (the remote handler sees
            // CANCELLED), whose completion is then observed like any other.
            return CallerContext.carriedInto(answer.handle(finish), () -> answer.cancel(true));
        }

        /** {@link #async()}, only the reply's body; cancelling it cancels the call as well. */
        CompletableFuture<T> asyncBody() {
            return CallerContext.carriedInto(answer.handle(finish).thenApply(PilotReply::body), () -> answer.cancel(true));
        }
    }

    /**
     * One capability call in progress: when it started, who answers it, and its observation
     * ({@link PilotObservationDocumentation#CLIENT_REQUEST}, whose trace context travels in the request's headers).
     */
    private final class Call implements StreamedCall.Observed {

        private final String capability;
        private final long startedNanos = System.nanoTime();
        private final Observation observation;
        /** Null when nothing observes calls. */
        private final PilotClientRequestContext context;
        private String hostname;
        private PilotAddress address;

        Call(String capability, String target) {
            this.capability = capability;
            this.observation = PilotObservationDocumentation.CLIENT_REQUEST.observation(convention,
                    DefaultPilotClientObservationConvention.INSTANCE, () -> new PilotClientRequestContext(capability, target),
                    observations);
            this.context = observation.isNoop() ? null : (PilotClientRequestContext) observation.getContext();
            observation.start();
        }

        /** Completes when a streamed call ends, so that shutdown lets it finish ({@link PilotRuntime#outgoing}). */
        final CompletableFuture<Void> streamEnded = new CompletableFuture<>();

        @Override
        public Message traced(Message message) {
            return context == null ? message : message.withAll(context.getCarrier());
        }

        @Override
        public void answeredBy(String hostname, PilotAddress address) {
            this.hostname = hostname;
            this.address = address;
            if (context != null) {
                context.setPeerHostname(hostname);
                context.setPeerAddress(address);
            }
        }

        /**
         * Stops the observation of a call that could not even be sent (the node is not running, or the agent is
         * stopping and starts no new calls); returns what to throw: a refusal by the engine as a
         * {@link PilotRemoteException} with its code.
         */
        RuntimeException aborted(RuntimeException e) {
            RuntimeException thrown = e instanceof PilotException ? failure(capability, e) : e;
            if (context != null) {
                context.setErrorCode(failure(capability, e).code());
                observation.error(thrown);
                observation.stop();
            }
            return thrown;
        }

        /** A streamed call ended: its observation stopped with the outcome (a cancel by its subscriber: CANCELLED). */
        @Override
        public void ended(Throwable failure, boolean cancelled) {
            if (context != null) {
                context.setPath(pathTo(address));
                if (failure != null) {
                    context.setErrorCode(failure instanceof PilotRemoteException remote ? remote.code() : ErrorCode.PROTOCOL);
                    observation.error(failure);
                } else if (cancelled) {
                    context.setErrorCode(ErrorCode.CANCELLED);
                }
            }
            observation.stop();
            streamEnded.complete(null);
        }

        /** Decodes the reply, or turns the error into the exception to throw, and stops the observation with the outcome. */
        <T> PilotReply<T> finish(Message reply, Throwable error, JavaType responseType) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startedNanos);
            PilotPath path = pathTo(address);
            if (context != null) {
                context.setPath(path);
            }
            try {
                T value = DefaultPilotClient.this.<T>decode(capability, reply, error, responseType);
                if (context != null) {
                    context.setResponse(reply);
                }
                return new PilotReply<>(value, capability, hostname, address, path, elapsed);
            } catch (RuntimeException e) {
                if (context != null) {
                    context.setErrorCode(e instanceof PilotRemoteException remote ? remote.code() : ErrorCode.PROTOCOL);
                    observation.error(e);
                }
                throw e;
            } finally {
                observation.stop(); // a no-op when nothing observes
            }
        }
    }

    /** How the node reaches {@code peer}, from the session snapshot its event loop publishes (no hop to the loop). */
    private PilotPath pathTo(PilotAddress peer) {
        if (peer == null) {
            return PilotPath.UNKNOWN;
        }
        return runtime.node().peerSnapshot(peer).filter(PeerSnapshot::established)
                .map(snapshot -> PilotPath.of(snapshot.relayed())).orElse(PilotPath.UNKNOWN);
    }

    @Override
    public Duration ping(String hostnameOrAddress) {
        return join(outgoing("ping " + hostnameOrAddress, () -> runtime.directory().resolve(hostnameOrAddress).thenCompose(runtime.node()::ping))
                .handle((rtt, error) -> {
                    if (error != null) {
                        throw failure("ping " + hostnameOrAddress, error);
                    }
                    return rtt;
                }));
    }

    /**
     * Observed as {@link PilotObservationDocumentation#BROADCAST} (see {@link ObservedBroadcast}); a group name Pilot
     * refuses is refused before anything is sent or observed.
     */
    @Override
    public BroadcastResult broadcast(String group, Object message) {
        Names.checkGroup(group);
        Message body = Message.of(mapper.writeValueAsBytes(message)).with(Headers.CONTENT_TYPE, CapabilityProtocol.JSON);
        return ObservedBroadcast.send(observations, broadcastConvention, group, body, traced -> join(outgoing("broadcast to " + group,
                () -> runtime.messaging().broadcast(group, CapabilityProtocol.BROADCAST_PORT, traced))));
    }

    /** The convention of {@link PilotObservationDocumentation#BROADCAST} observations; null (the default) for the default one. */
    public void setBroadcastObservationConvention(PilotBroadcastObservationConvention convention) {
        this.broadcastConvention = convention;
    }

    /** {@link PilotRuntime#outgoing}, its refusal (the agent is stopping) thrown as a {@link PilotRemoteException}. */
    private <F extends CompletableFuture<?>> F outgoing(String what, Supplier<F> call) {
        try {
            return runtime.outgoing(call);
        } catch (PilotException refused) {
            throw failure(what, refused);
        }
    }

    @Override
    public <T> T capabilities(Class<T> api) {
        return ClientInterfaces.proxy(api, this, ClientTarget.ANYCAST);
    }

    @Override
    public List<NodeRecord> find(String capability) {
        return join(runtime.directory().find(capability));
    }

    @Override
    public List<NodeRecord> members(String group) {
        return join(runtime.directory().members(group));
    }

    /** The request: the options' headers, then the capability and the content type (these two win), copied once. */
    private Message encode(CallOptions options, Object request) {
        byte[] body = request == null ? new byte[0] : mapper.writeValueAsBytes(request);
        Map<String, String> headers;
        if (options.headers().isEmpty()) {
            headers = Map.of(Headers.CAPABILITY, options.capability(), Headers.CONTENT_TYPE, CapabilityProtocol.JSON);
        } else {
            headers = new LinkedHashMap<>(options.headers());
            headers.put(Headers.CAPABILITY, options.capability());
            headers.put(Headers.CONTENT_TYPE, CapabilityProtocol.JSON);
        }
        return Message.of(body).withAll(headers);
    }

    private <T> T decode(String capability, Message reply, Throwable error, JavaType responseType) {
        if (error != null) {
            throw failure(capability, error);
        }
        Class<?> raw = responseType.getRawClass();
        if (raw == Void.class || raw == void.class || reply.body().length == 0) {
            return null;
        }
        return mapper.readValue(reply.body(), responseType);
    }

    static PilotRemoteException failure(String what, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof PilotRemoteException remote) {
            return remote;
        }
        if (cause instanceof CancellationException) {
            return new PilotRemoteException(ErrorCode.CANCELLED, what + ": cancelled", cause);
        }
        if (cause instanceof PilotException pilot) {
            return PilotRemoteException.from(what, pilot); // its problem document decoded, when it carries one
        }
        if (cause instanceof DirectoryException directory) {
            return new PilotRemoteException(ErrorCode.UNREACHABLE, what + ": " + directory.getMessage(), directory);
        }
        return new PilotRemoteException(ErrorCode.REMOTE_FAILURE, what + ": " + cause.getMessage(), cause);
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return get(future);
        } catch (ExecutionException e) {
            throw failure("call", e.getCause());
        }
    }

    /**
     * {@code future.get()}; an interrupt cancels the call (the remote handler sees CANCELLED: nobody waits for its
     * answer) and is thrown as the {@code CANCELLED} of a caller that stopped waiting, the interrupt kept.
     */
    private static <T> T get(CompletableFuture<T> future) throws ExecutionException {
        EventLoopThreads.refuseBlockingWait("a blocking call", future);
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new PilotRemoteException(ErrorCode.CANCELLED, "interrupted while waiting for a reply", e);
        }
    }
}

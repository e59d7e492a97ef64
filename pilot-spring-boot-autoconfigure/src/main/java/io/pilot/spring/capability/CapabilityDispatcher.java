package io.pilot.spring.capability;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.Cancellation;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;
import io.pilot.spring.PilotCaller;
import io.pilot.spring.observation.DefaultPilotServerObservationConvention;
import io.pilot.spring.observation.PilotObservationDocumentation;
import io.pilot.spring.observation.PilotPath;
import io.pilot.spring.observation.PilotServerObservationConvention;
import io.pilot.spring.observation.PilotServerRequestContext;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Function;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import tools.jackson.databind.json.JsonMapper;

/**
 * Serves {@link CapabilityProtocol#PORT}: finds the capability named in the request's header and invokes it through
 * {@link CapabilityMethod} with the request adapted to a Spring message ({@link CapabilityRequests}): the body, the
 * headers and the caller. An unknown capability answers NO_LISTENER; a capability at its limit of calls in progress
 * ({@link CapabilityLimits}) answers OVERLOADED; every failure is answered as {@link CapabilityFailures} says, with a
 * problem document: INVALID_ARGUMENT for an argument that does not fit or is not valid, the code of a
 * {@code PilotCapabilityException} or {@code PilotException}, INTERNAL (with nothing of the exception) for the rest.
 *
 * <p>Each request is a {@link PilotObservationDocumentation#SERVER_REQUEST} observation continuing the caller's
 * trace (from the request's headers); the method runs in its scope, so what it observes is its child. A failed call's
 * observation carries the code it was answered with. A streamed call is served by {@link #handleStream}.
 */
public final class CapabilityDispatcher implements MessageHandler {

    private final CapabilityRegistry registry;
    private final LoopHolds loopHolds = new LoopHolds();
    private final JsonMapper mapper;
    private final ObservationRegistry observations;
    private final PilotServerObservationConvention convention;
    private final Function<PilotAddress, Optional<PeerInfo>> peers;
    private final CapabilityLimits limits;
    private final Function<PilotAddress, CompletableFuture<NodeRecord>> records;
    private final CapabilityFailures failures;
    private final StreamedCapabilities streams;

    public CapabilityDispatcher(CapabilityRegistry registry, JsonMapper mapper) {
        this(registry, mapper, ObservationRegistry.NOOP, null, address -> Optional.empty());
    }

    /**
     * @param observations where requests are observed; {@link ObservationRegistry#NOOP} for not at all
     * @param convention the observation convention, or null for the default
     * @param peers what the node knows of a peer ({@code PilotNode::peer}), to tell a direct path from a relayed one
     */
    public CapabilityDispatcher(CapabilityRegistry registry, JsonMapper mapper, ObservationRegistry observations,
            PilotServerObservationConvention convention, Function<PilotAddress, Optional<PeerInfo>> peers) {
        this(registry, mapper, observations, convention, peers, CapabilityLimits.NONE);
    }

    /** @param limits how many calls of each capability may be in progress; past it a call is answered OVERLOADED */
    public CapabilityDispatcher(CapabilityRegistry registry, JsonMapper mapper, ObservationRegistry observations,
            PilotServerObservationConvention convention, Function<PilotAddress, Optional<PeerInfo>> peers,
            CapabilityLimits limits) {
        this(registry, mapper, observations, convention, peers, limits,
                address -> CompletableFuture.failedFuture(new IllegalStateException("no directory")), new CapabilityFailures(false));
    }

    /**
     * @param records looks a caller's record up in the directory, for its hostname and groups ({@link PilotCaller})
     * @param failures how failures are answered
     */
    public CapabilityDispatcher(CapabilityRegistry registry, JsonMapper mapper, ObservationRegistry observations,
            PilotServerObservationConvention convention, Function<PilotAddress, Optional<PeerInfo>> peers,
            CapabilityLimits limits, Function<PilotAddress, CompletableFuture<NodeRecord>> records, CapabilityFailures failures) {
        this.limits = limits;
        this.registry = registry;
        this.mapper = mapper;
        this.observations = observations;
        this.convention = convention;
        this.peers = peers;
        this.records = records;
        this.failures = failures;
        this.streams = new StreamedCapabilities(mapper, observations, convention, this::path, limits, records, failures);
    }

    /**
     * A streamed call ({@code requestStream}, {@code CapabilityCall.stream}): a capability that streams answers with
     * its elements ({@link StreamedCapabilities}); any other with its one reply as the stream's one item.
     */
    @Override
    public Flow.Publisher<Message> handleStream(IncomingMessage in) throws Exception {
        String name = in.message().header(Headers.CAPABILITY);
        CapabilityMethod capability = name == null ? null : registry.get(name);
        return capability != null && capability.streams() ? streams.serve(capability, in) : MessageHandler.super.handleStream(in);
    }

    @Override
    public CompletionStage<Message> handle(IncomingMessage in) {
        String name = in.message().header(Headers.CAPABILITY);
        CapabilityMethod capability = name == null ? null : registry.get(name);
        Observation observation = PilotObservationDocumentation.SERVER_REQUEST.observation(convention,
                DefaultPilotServerObservationConvention.INSTANCE,
                () -> new PilotServerRequestContext(in, capability == null ? null : capability.name()), observations);
        if (observation.isNoop()) {
            String traceId = CapabilityFailures.traceId(in.message().header(Headers.TRACEPARENT));
            CompletableFuture<Message> answered = new CompletableFuture<>();
            dispatch(name, capability, in).whenComplete((reply, error) -> {
                PilotException answer = answer(in, error, name, traceId);
                if (answer != null) {
                    answered.completeExceptionally(answer);
                } else {
                    answered.complete(reply);
                }
            });
            return answered;
        }
        PilotServerRequestContext context = (PilotServerRequestContext) observation.getContext();
        observation.start();
        CompletionStage<Message> result;
        String traceId;
        try (Observation.Scope scope = observation.openScope()) {
            traceId = CapabilityFailures.traceId(in.message().header(Headers.TRACEPARENT)); // in scope: tracing's own, if any
            result = dispatch(name, capability, in);
        }
        CompletableFuture<Message> answered = new CompletableFuture<>();
        result.whenComplete((reply, error) -> {
            context.setPath(path(in.from()));
            PilotException answer = answer(in, error, name, traceId);
            if (answer != null) {
                context.setErrorCode(answer.code());
                // Observed as thrown, answered as mapped.
                observation.error(error != null ? CapabilityFailures.cause(error) : answer);
                observation.stop();
                answered.completeExceptionally(answer);
            } else {
                context.setResponse(reply);
                observation.stop();
                answered.complete(reply);
            }
        });
        return answered;
    }

    /**
     * Asked first on the event loop for every request: a call of a capability that runs there
     * ({@code @Capability(eventLoop = true)}) is answered as {@link #handle} answers it, observed the same, without the
     * hand-off to the handler executor and back; null for any other request, which {@link #handle} serves there. Such
     * a method returns its result (checked at startup by its declared type), so the answer is ready when it returns; a
     * failure is thrown as the {@code CompletionException} of the {@link PilotException} it is answered with.
     */
    public Message answerOnLoop(IncomingMessage in) {
        String name = in.message().header(Headers.CAPABILITY);
        CapabilityMethod capability = name == null ? null : registry.get(name);
        if (capability == null || !capability.onEventLoop()) {
            return null;
        }
        long start = System.nanoTime();
        CompletableFuture<Message> answered = handle(in).toCompletableFuture();
        loopHolds.ran(capability.origin(), start);
        if (!answered.isDone()) {
            throw new IllegalStateException("capability '" + name + "' on the event loop returned a result still to "
                    + "come; it must return the value itself");
        }
        return answered.join();
    }

    private CompletionStage<Message> dispatch(String name, CapabilityMethod capability, IncomingMessage in) {
        if (capability == null) {
            return CompletableFuture.failedFuture(new PilotException(ErrorCode.NO_LISTENER,
                    "this agent has no capability '" + name + "'"));
        }
        if (!limits.tryEnter(capability.name())) {
            return CompletableFuture.failedFuture(limits.full(capability.name()));
        }
        CompletionStage<Message> result = invoke(capability, in);
        return result.whenComplete((reply, error) -> limits.exit(capability.name()));
    }

    /**
     * Invokes the method with the request as the {@link InboundRequest} of its thread (and of what context-propagation
     * carries it into), so the calls it makes keep within the request's deadline. When the request is cancelled (its
     * deadline passed, the caller cancelled or went away) the work is: the thread running the method interrupted
     * while it still runs it, a result still to come cancelled (a {@code CompletableFuture} cancelled, a
     * {@code Mono}'s subscription disposed).
     */
    private CompletionStage<Message> invoke(CapabilityMethod capability, IncomingMessage in) {
        Cancellation cancellation = in.cancellation();
        CompletableFuture<byte[]> invoked;
        try (InvocationThread running = InvocationThread.current();
                InboundRequest.Scope serving = InboundRequest.serving(cancellation)) {
            cancellation.onCancel(running::interrupt);
            invoked = capability.invoke(CapabilityRequests.of(in, capability.name(), mapper, records)).toCompletableFuture();
        } catch (Throwable e) {
            return CompletableFuture.failedFuture(e);
        }
        cancellation.onCancel(() -> invoked.cancel(true));
        return invoked.thenApply(CapabilityDispatcher::reply);
    }

    /**
     * The error to answer with, or null for the reply: a request that was cancelled is answered (and observed) with the
     * cancellation's reason whatever the method did after it (an {@code InterruptedException} it threw once
     * interrupted is no INTERNAL error); else the failure as {@link CapabilityFailures} maps it.
     */
    private PilotException answer(IncomingMessage in, Throwable error, String capability, String traceId) {
        ErrorCode cancelled = in.cancellation().reason();
        if (cancelled != null) {
            return failures.cancelled(cancelled, capability, traceId);
        }
        return error == null ? null : failures.reply(error, capability, traceId);
    }

    private PilotPath path(PilotAddress from) {
        try {
            return peers.apply(from).filter(PeerInfo::established).map(p -> PilotPath.of(p.relayed())).orElse(PilotPath.UNKNOWN);
        } catch (RuntimeException e) {
            return PilotPath.UNKNOWN; // the node stopped meanwhile
        }
    }

    /** A capability's JSON result (or one streamed item) as the reply message; null is an empty reply. */
    static Message reply(byte[] json) {
        return json == null ? Message.empty() : Message.of(json).with(Headers.CONTENT_TYPE, CapabilityProtocol.JSON);
    }
}

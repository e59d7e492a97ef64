package io.pilot.spring.capability;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;
import io.pilot.spring.observation.DefaultPilotServerObservationConvention;
import io.pilot.spring.observation.PilotObservationDocumentation;
import io.pilot.spring.observation.PilotPath;
import io.pilot.spring.observation.PilotServerObservationConvention;
import io.pilot.spring.observation.PilotServerRequestContext;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves {@link CapabilityProtocol#PORT}: finds the capability named in the request's header and invokes
 * it. An unknown capability answers NO_LISTENER; a body that does not map to the parameter answers
 * PROTOCOL; an {@link IllegalArgumentException} in the method answers REMOTE_FAILURE with its message (a
 * refused argument); any other exception answers REMOTE_FAILURE with the exception's class and message. A
 * capability at its limit of calls in progress ({@link CapabilityLimits}) answers OVERLOADED.
 *
 * <p>Each request is a {@link PilotObservationDocumentation#SERVER_REQUEST} observation continuing the caller's
 * trace (from the request's headers); the method runs in its scope, so what it observes is its child.
 */
public final class CapabilityDispatcher implements MessageHandler {

    private final CapabilityRegistry registry;
    private final JsonMapper mapper;
    private final ObservationRegistry observations;
    private final PilotServerObservationConvention convention;
    private final Function<PilotAddress, Optional<PeerInfo>> peers;
    private final CapabilityLimits limits;

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
        this.limits = limits;
        this.registry = registry;
        this.mapper = mapper;
        this.observations = observations;
        this.convention = convention;
        this.peers = peers;
    }

    @Override
    public CompletionStage<Message> handle(IncomingMessage in) {
        String name = in.message().header(Headers.CAPABILITY);
        CapabilityMethod capability = name == null ? null : registry.get(name);
        Observation observation = PilotObservationDocumentation.SERVER_REQUEST.observation(convention,
                DefaultPilotServerObservationConvention.INSTANCE,
                () -> new PilotServerRequestContext(in, capability == null ? null : capability.name()), observations);
        if (observation.isNoop()) {
            return dispatch(name, capability, in).exceptionallyCompose(CapabilityDispatcher::refusal);
        }
        PilotServerRequestContext context = (PilotServerRequestContext) observation.getContext();
        observation.start();
        CompletionStage<Message> result;
        try (Observation.Scope scope = observation.openScope()) {
            result = dispatch(name, capability, in);
        }
        return result.whenComplete((reply, error) -> {
            context.setPath(path(in.from()));
            if (error != null) {
                Throwable cause = cause(error);
                // The code the engine will answer with (see MessageService): a PilotException's own, else REMOTE_FAILURE.
                context.setErrorCode(cause instanceof PilotException pilot ? pilot.code() : ErrorCode.REMOTE_FAILURE);
                observation.error(cause);
            } else {
                context.setResponse(reply);
            }
            observation.stop();
        }).exceptionallyCompose(CapabilityDispatcher::refusal); // observed as thrown, answered as a refusal
    }

    private CompletionStage<Message> dispatch(String name, CapabilityMethod capability, IncomingMessage in) {
        if (capability == null) {
            return CompletableFuture.failedFuture(new PilotException(ErrorCode.NO_LISTENER,
                    "this agent has no capability '" + name + "'"));
        }
        if (!limits.tryEnter(capability.name())) {
            return CompletableFuture.failedFuture(new PilotException(ErrorCode.OVERLOADED, "capability '"
                    + capability.name() + "' is serving its limit of " + limits.limit(capability.name()) + " calls"));
        }
        CompletionStage<Message> result = invoke(capability, in);
        return result.whenComplete((reply, error) -> limits.exit(capability.name()));
    }

    private CompletionStage<Message> invoke(CapabilityMethod capability, IncomingMessage in) {
        String name = capability.name();
        try {
            return capability.invoke(in.message().body(), mapper).thenApply(CapabilityDispatcher::reply);
        } catch (JacksonException e) {
            return CompletableFuture.failedFuture(new PilotException(ErrorCode.PROTOCOL, "the argument of '" + name
                    + "' is not valid JSON for its parameter: " + e.getOriginalMessage()));
        } catch (Throwable e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * An {@link IllegalArgumentException} from the method refuses the caller's argument: its message is written
     * for the caller and travels as it is. Any other failure goes on unchanged, and the engine names its class
     * (it is a bug the caller cannot fix).
     */
    private static CompletionStage<Message> refusal(Throwable failure) {
        Throwable cause = cause(failure);
        if (cause instanceof IllegalArgumentException) {
            return CompletableFuture.failedFuture(new PilotException(ErrorCode.REMOTE_FAILURE, cause.getMessage()));
        }
        return CompletableFuture.failedFuture(failure);
    }

    /** What failed, out of the CompletionException a stage wraps it in. */
    private static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private PilotPath path(PilotAddress from) {
        try {
            return peers.apply(from).filter(PeerInfo::established).map(p -> PilotPath.of(p.relayed())).orElse(PilotPath.UNKNOWN);
        } catch (RuntimeException e) {
            return PilotPath.UNKNOWN; // the node stopped meanwhile
        }
    }

    private static Message reply(byte[] json) {
        return json == null ? Message.empty() : Message.of(json).with(Headers.CONTENT_TYPE, CapabilityProtocol.JSON);
    }
}

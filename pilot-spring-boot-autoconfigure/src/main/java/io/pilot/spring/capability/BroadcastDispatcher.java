package io.pilot.spring.capability;

import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.spring.observation.DefaultPilotGroupListenerObservationConvention;
import io.pilot.spring.observation.PilotGroupListenerContext;
import io.pilot.spring.observation.PilotGroupListenerObservationConvention;
import io.pilot.spring.observation.PilotObservationDocumentation;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves {@link CapabilityProtocol#BROADCAST_PORT}: hands each broadcast to the {@code @GroupListener}
 * methods of the group named in its {@link Headers#GROUP} header, once the sender is known to be a member of
 * that group ({@link GroupSenders}): the header is set by the sender, so without the check any node of the
 * realm could speak to a group's listeners. A broadcast from a non-member is dropped and counted
 * ({@link #fromNonMembers()}). A broadcast is one-way, so a listener's failure, a body that does not map, or a
 * group nobody here listens to is logged and goes no further.
 *
 * <p>Each listener's handling of a broadcast is a {@link PilotObservationDocumentation#GROUP_LISTENER} observation
 * continuing the broadcaster's trace (from the broadcast's headers); the listener runs in its scope.
 */
public final class BroadcastDispatcher implements MessageHandler {

    private static final Logger log = LoggerFactory.getLogger(BroadcastDispatcher.class);

    private final CapabilityRegistry registry;
    private final JsonMapper mapper;
    private final GroupSenders senders;
    private final ObservationRegistry observations;
    private final PilotGroupListenerObservationConvention convention;
    private final LongAdder fromNonMembers = new LongAdder();
    private final LoopHolds loopHolds = new LoopHolds();

    public BroadcastDispatcher(CapabilityRegistry registry, JsonMapper mapper, GroupSenders senders) {
        this(registry, mapper, senders, ObservationRegistry.NOOP, null);
    }

    /**
     * @param observations where each listener's handling of a broadcast is observed ({@link ObservationRegistry#NOOP}
     * for not at all)
     * @param convention the observation convention, or null for the default
     */
    public BroadcastDispatcher(CapabilityRegistry registry, JsonMapper mapper, GroupSenders senders,
            ObservationRegistry observations, PilotGroupListenerObservationConvention convention) {
        this.registry = registry;
        this.mapper = mapper;
        this.senders = senders;
        this.observations = observations;
        this.convention = convention;
    }

    /** Broadcasts dropped because their sender is not a member of the group they name. */
    public long fromNonMembers() {
        return fromNonMembers.sum();
    }

    @Override
    public CompletionStage<Message> handle(IncomingMessage in) {
        String group = in.message().header(Headers.GROUP);
        List<GroupListenerMethod> listeners = group == null ? List.of() : registry.listeners(group);
        if (listeners.isEmpty()) {
            log.debug("Broadcast from {} to group '{}' has no listener here", in.from(), group);
            return CompletableFuture.completedFuture(Message.empty());
        }
        return senders.isMember(group, in.from()).thenApply(member -> {
            if (member) {
                dispatch(in, group, listeners);
            } else {
                fromNonMembers.increment();
                log.debug("Broadcast from {} names group '{}', which it is not a member of: dropped", in.from(), group);
            }
            return Message.empty();
        });
    }

    /**
     * Asked first on the event loop for every broadcast: one whose group's listeners here all run on the event loop
     * ({@code @GroupListener(eventLoop = true)}) and whose sender the group's open view already lists is handed to
     * them there, as {@link #handle} would; null for any other, which {@link #handle} serves on the handler executor
     * (its membership check may open the view or ask the directory, which the loop must not wait for).
     */
    public Message answerOnLoop(IncomingMessage in) {
        String group = in.message().header(Headers.GROUP);
        List<GroupListenerMethod> listeners = group == null ? List.of() : registry.listeners(group);
        if (listeners.isEmpty() || !listeners.stream().allMatch(GroupListenerMethod::onEventLoop)) {
            return null;
        }
        if (!senders.knownMember(group, in.from())) {
            return null; // the full check (a watch to open, a lookup to send) and the listeners, on the executor
        }
        for (GroupListenerMethod listener : listeners) {
            long start = System.nanoTime();
            try {
                notify(listener, in, group);
            } finally {
                loopHolds.ran(listener.origin(), start);
            }
        }
        return Message.empty();
    }

    private void dispatch(IncomingMessage in, String group, List<GroupListenerMethod> listeners) {
        for (GroupListenerMethod listener : listeners) {
            notify(listener, in, group);
        }
    }

    /** One listener, in its own observation's scope: its log lines (and this class's about it) carry the broadcaster's trace. */
    private void notify(GroupListenerMethod listener, IncomingMessage in, String group) {
        Observation observation = PilotObservationDocumentation.GROUP_LISTENER.observation(convention,
                DefaultPilotGroupListenerObservationConvention.INSTANCE,
                () -> new PilotGroupListenerContext(in, group, listener.origin()), observations);
        observation.start();
        try (Observation.Scope scope = observation.openScope()) {
            try {
                listener.invoke(in.message().body(), in.from(), mapper);
            } catch (JacksonException e) {
                failed(observation, ErrorCode.INVALID_ARGUMENT, e);
                log.warn("Broadcast from {} to group '{}' does not map to the message of {}: {}", in.from(), group,
                        listener.origin(), e.getOriginalMessage());
            } catch (Error e) {
                failed(observation, ErrorCode.INTERNAL, e);
                throw e;
            } catch (Throwable e) {
                failed(observation, ErrorCode.INTERNAL, e);
                log.warn("@GroupListener {} failed on a broadcast from {} to group '{}'", listener.origin(), in.from(),
                        group, e);
            }
        } finally {
            observation.stop();
        }
    }

    private static void failed(Observation observation, ErrorCode code, Throwable error) {
        if (observation.getContext() instanceof PilotGroupListenerContext context) {
            context.setErrorCode(code);
        }
        observation.error(error);
    }
}

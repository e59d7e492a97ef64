package io.pilot.spring.capability;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.Cancellation;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.PilotException;
import io.pilot.spring.observation.DefaultPilotServerObservationConvention;
import io.pilot.spring.observation.PilotObservationDocumentation;
import io.pilot.spring.observation.PilotPath;
import io.pilot.spring.observation.PilotServerObservationConvention;
import io.pilot.spring.observation.PilotServerRequestContext;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Function;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import tools.jackson.databind.json.JsonMapper;

/**
 * Serves the calls of capabilities that {@link CapabilityMethod#streams stream} their reply, for
 * {@link CapabilityDispatcher#handleStream}: the method invoked on the handler executor, its elements asked for only
 * as the caller's credit arrives (the engine's flow control reaches the {@code Flux} or the {@code Stream}), each
 * element one JSON item; a failure, before the first item or after some, answered as {@link CapabilityFailures} says.
 * A call counts against its capability's {@link CapabilityLimits} until the stream ends, and is one
 * {@link PilotObservationDocumentation#SERVER_REQUEST} observation from the request to the end (items sent as
 * {@code pilot.stream.items}; a stream the engine cancelled has the outcome of its request's cancellation,
 * DEADLINE_EXCEEDED when the stream's deadline passed, CANCELLED when the caller cancelled or went away).
 *
 * <p>The method runs, and its elements are produced, with the request as the {@link InboundRequest}, so the calls the
 * producer makes keep within the stream's deadline: the method's thread is interrupted if the request is cancelled
 * while it still runs ({@link InvocationThread}), a {@code Flux} carries the request in its Reactor context and is
 * cancelled by the engine, a {@code Stream} is pulled in the request's scope and cancelled with it ({@link StreamItems}).
 */
final class StreamedCapabilities {

    private final JsonMapper mapper;
    private final ObservationRegistry observations;
    private final PilotServerObservationConvention convention;
    private final Function<PilotAddress, PilotPath> paths;
    private final CapabilityLimits limits;
    private final Function<PilotAddress, CompletableFuture<NodeRecord>> records;
    private final CapabilityFailures failures;

    StreamedCapabilities(JsonMapper mapper, ObservationRegistry observations, PilotServerObservationConvention convention,
            Function<PilotAddress, PilotPath> paths, CapabilityLimits limits,
            Function<PilotAddress, CompletableFuture<NodeRecord>> records, CapabilityFailures failures) {
        this.mapper = mapper;
        this.observations = observations;
        this.convention = convention;
        this.paths = paths;
        this.limits = limits;
        this.records = records;
        this.failures = failures;
    }

    /** Why the engine cancelled the stream of {@code in}: its cancellation's reason (the deadline, or the caller). */
    private static ErrorCode cancelledWith(IncomingMessage in) {
        ErrorCode reason = in.cancellation().reason();
        return reason != null ? reason : ErrorCode.CANCELLED;
    }

    /** The streamed reply to {@code in}, a call of {@code capability}, which streams. */
    Flow.Publisher<Message> serve(CapabilityMethod capability, IncomingMessage in) {
        String name = capability.name();
        Observation observation = PilotObservationDocumentation.SERVER_REQUEST.observation(convention,
                DefaultPilotServerObservationConvention.INSTANCE, () -> new PilotServerRequestContext(in, name), observations);
        observation.start();
        String traceId;
        boolean admitted = limits.tryEnter(name);
        Flow.Publisher<byte[]> elements = null;
        Throwable failure = admitted ? null : limits.full(name);
        try (Observation.Scope scope = observation.openScope()) {
            traceId = CapabilityFailures.traceId(in.message().header(Headers.TRACEPARENT)); // in scope: tracing's own, if any
            if (admitted) {
                Cancellation request = in.cancellation();
                try (InvocationThread running = InvocationThread.current();
                        InboundRequest.Scope serving = InboundRequest.serving(request)) {
                    request.onCancel(running::interrupt);
                    elements = capability.invokeStream(CapabilityRequests.of(in, name, mapper, records), request);
                } catch (Throwable e) {
                    failure = e;
                }
            }
        }
        String trace = traceId;
        // After a cancellation, whatever the producer did (an interrupt it threw, a closed stream) is no bug.
        Function<Throwable, PilotException> answers = e -> in.cancellation().isCancelled()
                ? failures.cancelled(in.cancellation().reason(), name, trace) : failures.reply(e, name, trace);
        ServedStream.Ending ending = (failed, answer, cancelled, items) -> {
            if (admitted) {
                limits.exit(name);
            }
            if (!observation.isNoop()) {
                PilotServerRequestContext context = (PilotServerRequestContext) observation.getContext();
                context.setPath(paths.apply(in.from()));
                context.setStreamItems(items);
                context.setErrorCode(answer != null ? answer.code() : cancelled ? cancelledWith(in) : null);
                if (failed != null) {
                    observation.error(CapabilityFailures.cause(failed)); // observed as thrown, answered as mapped
                }
            }
            observation.stop();
        };
        return elements == null ? ServedStream.failed(failure, answers, ending) : ServedStream.of(elements, answers, ending);
    }
}

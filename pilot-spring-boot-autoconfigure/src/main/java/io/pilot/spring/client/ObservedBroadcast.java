package io.pilot.spring.client;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.pilot.engine.group.BroadcastResult;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.spring.PilotRemoteException;
import io.pilot.spring.observation.DefaultPilotBroadcastObservationConvention;
import io.pilot.spring.observation.PilotBroadcastContext;
import io.pilot.spring.observation.PilotBroadcastObservationConvention;
import io.pilot.spring.observation.PilotObservationDocumentation;

import java.util.function.Function;

/**
 * Sends one broadcast as a {@link PilotObservationDocumentation#BROADCAST} observation: the trace context goes into
 * the broadcast's headers (so every member's copy carries it), the send runs in the observation's scope, and the
 * result (members reached and not) or the failure ends it.
 */
final class ObservedBroadcast {

    private ObservedBroadcast() {
    }

    /**
     * @param convention the convention, or null for the default
     * @param send sends the message it is given (the traced one) and waits for the result
     */
    static BroadcastResult send(ObservationRegistry observations, PilotBroadcastObservationConvention convention,
            String group, Message message, Function<Message, BroadcastResult> send) {
        Observation observation = PilotObservationDocumentation.BROADCAST.observation(convention,
                DefaultPilotBroadcastObservationConvention.INSTANCE, () -> new PilotBroadcastContext(group), observations);
        if (observation.isNoop()) {
            return send.apply(message);
        }
        PilotBroadcastContext context = (PilotBroadcastContext) observation.getContext();
        observation.start();
        try (Observation.Scope scope = observation.openScope()) {
            BroadcastResult result = send.apply(message.withAll(context.getCarrier()));
            context.setResult(result);
            return result;
        } catch (RuntimeException e) {
            context.setErrorCode(e instanceof PilotRemoteException remote ? remote.code() : ErrorCode.INTERNAL);
            observation.error(e);
            throw e;
        } finally {
            observation.stop();
        }
    }
}

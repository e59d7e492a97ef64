package io.pilot.spring.observation;

import io.micrometer.common.KeyValues;
import io.pilot.spring.observation.PilotObservationDocumentation.BroadcastKeys;
import io.pilot.spring.observation.PilotObservationDocumentation.HighCardinalityKeys;
import io.pilot.spring.observation.PilotObservationDocumentation.MessagingKeys;
import io.pilot.spring.observation.PilotObservationDocumentation.Values;

/**
 * The default {@link PilotGroupListenerObservationConvention}: name {@value #NAME}, contextual (span) name
 * {@code process <group>}, low-cardinality keys group, listener, outcome, error type and the messaging keys; the
 * broadcaster's address as a high-cardinality key.
 */
public class DefaultPilotGroupListenerObservationConvention implements PilotGroupListenerObservationConvention {

    /** The observation's name, and so the timer's. */
    public static final String NAME = "pilot.broadcast.process";

    /** A shared instance. */
    public static final DefaultPilotGroupListenerObservationConvention INSTANCE = new DefaultPilotGroupListenerObservationConvention();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(PilotGroupListenerContext context) {
        return Values.PROCESS + " " + context.getGroup();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(PilotGroupListenerContext context) {
        return KeyValues.of(BroadcastKeys.GROUP.withValue(context.getGroup()),
                BroadcastKeys.LISTENER.withValue(context.getListener()),
                Outcomes.outcome(context.getErrorCode()), Outcomes.errorType(context.getErrorCode()),
                MessagingKeys.SYSTEM.withValue(Values.SYSTEM),
                MessagingKeys.DESTINATION_NAME.withValue(context.getGroup()),
                MessagingKeys.OPERATION_TYPE.withValue(Values.PROCESS));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(PilotGroupListenerContext context) {
        return KeyValues.of(HighCardinalityKeys.PEER_ADDRESS.withValue(context.getPeerAddress().toString()));
    }
}

package io.pilot.spring.observation;

import io.micrometer.common.KeyValues;
import io.pilot.engine.group.BroadcastResult;
import io.pilot.spring.observation.PilotObservationDocumentation.BroadcastKeys;
import io.pilot.spring.observation.PilotObservationDocumentation.HighCardinalityKeys;
import io.pilot.spring.observation.PilotObservationDocumentation.LowCardinalityKeys;
import io.pilot.spring.observation.PilotObservationDocumentation.MessagingKeys;
import io.pilot.spring.observation.PilotObservationDocumentation.Values;

/**
 * The default {@link PilotBroadcastObservationConvention}: name {@value #NAME}, contextual (span) name
 * {@code publish <group>}, low-cardinality keys group, outcome ({@value Values#PARTIAL} when some members were not
 * reached), error type and the messaging keys; the counts of members reached and not reached as high-cardinality keys.
 */
public class DefaultPilotBroadcastObservationConvention implements PilotBroadcastObservationConvention {

    /** The observation's name, and so the timer's. */
    public static final String NAME = "pilot.broadcast.publish";

    /** A shared instance. */
    public static final DefaultPilotBroadcastObservationConvention INSTANCE = new DefaultPilotBroadcastObservationConvention();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(PilotBroadcastContext context) {
        return Values.PUBLISH + " " + context.getGroup();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(PilotBroadcastContext context) {
        BroadcastResult result = context.getResult();
        boolean partial = context.getErrorCode() == null && result != null && !result.complete();
        return KeyValues.of(BroadcastKeys.GROUP.withValue(context.getGroup()),
                partial ? LowCardinalityKeys.OUTCOME.withValue(Values.PARTIAL) : Outcomes.outcome(context.getErrorCode()),
                Outcomes.errorType(context.getErrorCode()),
                MessagingKeys.SYSTEM.withValue(Values.SYSTEM),
                MessagingKeys.DESTINATION_NAME.withValue(context.getGroup()),
                MessagingKeys.OPERATION_TYPE.withValue(Values.PUBLISH));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(PilotBroadcastContext context) {
        BroadcastResult result = context.getResult();
        return result == null ? KeyValues.empty()
                : KeyValues.of(HighCardinalityKeys.DELIVERED.withValue(Integer.toString(result.delivered().size())),
                        HighCardinalityKeys.UNREACHED.withValue(Integer.toString(result.failed().size())));
    }
}

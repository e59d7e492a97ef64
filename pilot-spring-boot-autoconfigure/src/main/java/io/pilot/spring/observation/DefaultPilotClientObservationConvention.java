package io.pilot.spring.observation;

import io.micrometer.common.KeyValues;
import io.pilot.spring.observation.PilotObservationDocumentation.HighCardinalityKeys;
import io.pilot.spring.observation.PilotObservationDocumentation.LowCardinalityKeys;
import io.pilot.spring.observation.PilotObservationDocumentation.Values;

/**
 * The default {@link PilotClientObservationConvention}: name {@value #NAME}, contextual (span) name
 * {@code call <capability>}, low-cardinality keys capability, outcome and path.
 */
public class DefaultPilotClientObservationConvention implements PilotClientObservationConvention {

    /** The observation's name, and so the timer's. */
    public static final String NAME = "pilot.client.requests";

    /** A shared instance. */
    public static final DefaultPilotClientObservationConvention INSTANCE = new DefaultPilotClientObservationConvention();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(PilotClientRequestContext context) {
        return "call " + context.getCapability();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(PilotClientRequestContext context) {
        return KeyValues.of(LowCardinalityKeys.CAPABILITY.withValue(context.getCapability()),
                LowCardinalityKeys.OUTCOME.withValue(context.getErrorCode() == null ? Values.SUCCESS : context.getErrorCode().name()),
                LowCardinalityKeys.PATH.withValue(context.getPath().value()));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(PilotClientRequestContext context) {
        KeyValues values = KeyValues.empty();
        if (context.getTarget() != null) {
            values = values.and(HighCardinalityKeys.TARGET.withValue(context.getTarget()));
        }
        if (context.getPeerAddress() != null) {
            values = values.and(HighCardinalityKeys.PEER_ADDRESS.withValue(context.getPeerAddress().toString()));
        }
        if (context.getPeerHostname() != null) {
            values = values.and(HighCardinalityKeys.PEER_HOSTNAME.withValue(context.getPeerHostname()));
        }
        return values;
    }
}

package io.pilot.spring.observation;

import io.micrometer.common.KeyValues;
import io.pilot.spring.observation.PilotObservationDocumentation.HighCardinalityKeys;
import io.pilot.spring.observation.PilotObservationDocumentation.LowCardinalityKeys;
import io.pilot.spring.observation.PilotObservationDocumentation.Values;

/**
 * The default {@link PilotServerObservationConvention}: name {@value #NAME}, contextual (span) name
 * {@code serve <capability>}, low-cardinality keys capability (or {@value Values#UNKNOWN_CAPABILITY} for one this
 * agent does not serve), outcome and path.
 */
public class DefaultPilotServerObservationConvention implements PilotServerObservationConvention {

    /** The observation's name, and so the timer's. */
    public static final String NAME = "pilot.server.requests";

    /** A shared instance. */
    public static final DefaultPilotServerObservationConvention INSTANCE = new DefaultPilotServerObservationConvention();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(PilotServerRequestContext context) {
        return "serve " + capability(context);
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(PilotServerRequestContext context) {
        return KeyValues.of(LowCardinalityKeys.CAPABILITY.withValue(capability(context)),
                LowCardinalityKeys.OUTCOME.withValue(context.getErrorCode() == null ? Values.SUCCESS : context.getErrorCode().name()),
                LowCardinalityKeys.PATH.withValue(context.getPath().value()));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(PilotServerRequestContext context) {
        return context.getPeerAddress() == null ? KeyValues.empty()
                : KeyValues.of(HighCardinalityKeys.PEER_ADDRESS.withValue(context.getPeerAddress().toString()));
    }

    private static String capability(PilotServerRequestContext context) {
        return context.getCapability() == null ? Values.UNKNOWN_CAPABILITY : context.getCapability();
    }
}

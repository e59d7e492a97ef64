package io.pilot.spring.observation;

import io.micrometer.common.KeyValues;
import io.pilot.spring.observation.PilotObservationDocumentation.HighCardinalityKeys;
import io.pilot.spring.observation.PilotObservationDocumentation.LowCardinalityKeys;
import io.pilot.spring.observation.PilotObservationDocumentation.RpcKeys;
import io.pilot.spring.observation.PilotObservationDocumentation.Values;

/**
 * The default {@link PilotServerObservationConvention}: name {@value #NAME}, contextual (span) name
 * {@code serve <capability>}, low-cardinality keys capability (or {@value Values#UNKNOWN_CAPABILITY} for one this
 * agent does not serve), outcome and path, with OpenTelemetry's {@code rpc.system}, {@code rpc.method} (the same
 * bounded capability value) and {@code error.type}; high-cardinality keys the caller's address, as
 * {@code pilot.peer.address} and as OpenTelemetry's {@code client.address}, and for a streamed reply the items it
 * sent ({@code pilot.stream.items}).
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
                Outcomes.outcome(context.getErrorCode()),
                LowCardinalityKeys.PATH.withValue(context.getPath().value()),
                RpcKeys.RPC_SYSTEM.withValue(Values.SYSTEM),
                RpcKeys.RPC_METHOD.withValue(capability(context)),
                Outcomes.errorType(context.getErrorCode()));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(PilotServerRequestContext context) {
        if (context.getPeerAddress() == null) {
            return KeyValues.empty();
        }
        String caller = context.getPeerAddress().toString();
        KeyValues keys = KeyValues.of(HighCardinalityKeys.PEER_ADDRESS.withValue(caller),
                HighCardinalityKeys.CLIENT_ADDRESS.withValue(caller));
        Long items = context.getStreamItems();
        return items == null ? keys : keys.and(HighCardinalityKeys.STREAM_ITEMS.withValue(items.toString()));
    }

    private static String capability(PilotServerRequestContext context) {
        return context.getCapability() == null ? Values.UNKNOWN_CAPABILITY : context.getCapability();
    }
}

package io.pilot.spring.observation;

import io.micrometer.common.KeyValues;
import io.pilot.spring.observation.PilotObservationDocumentation.HighCardinalityKeys;
import io.pilot.spring.observation.PilotObservationDocumentation.LowCardinalityKeys;
import io.pilot.spring.observation.PilotObservationDocumentation.RpcKeys;
import io.pilot.spring.observation.PilotObservationDocumentation.Values;

/**
 * The default {@link PilotClientObservationConvention}: name {@value #NAME}, contextual (span) name
 * {@code call <capability>}, low-cardinality keys capability, outcome and path, with OpenTelemetry's
 * {@code rpc.system}, {@code rpc.method} and {@code error.type}; high-cardinality keys the target, the provider's
 * address and hostname, and OpenTelemetry's {@code server.address} (the provider's hostname, else its address).
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
                Outcomes.outcome(context.getErrorCode()),
                LowCardinalityKeys.PATH.withValue(context.getPath().value()),
                RpcKeys.RPC_SYSTEM.withValue(Values.SYSTEM),
                RpcKeys.RPC_METHOD.withValue(context.getCapability()),
                Outcomes.errorType(context.getErrorCode()));
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
        String server = serverAddress(context);
        if (server != null) {
            values = values.and(HighCardinalityKeys.SERVER_ADDRESS.withValue(server));
        }
        return values;
    }

    /** The provider's hostname (named by the caller or learned from the answer), else its address, else null. */
    private static String serverAddress(PilotClientRequestContext context) {
        if (context.getPeerHostname() != null) {
            return context.getPeerHostname();
        }
        return context.getPeerAddress() == null ? null : context.getPeerAddress().toString();
    }
}

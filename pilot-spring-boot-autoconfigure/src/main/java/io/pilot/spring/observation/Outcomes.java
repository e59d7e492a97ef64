package io.pilot.spring.observation;

import io.micrometer.common.KeyValue;
import io.pilot.engine.message.ErrorCode;
import io.pilot.spring.observation.PilotObservationDocumentation.LowCardinalityKeys;
import io.pilot.spring.observation.PilotObservationDocumentation.RpcKeys;
import io.pilot.spring.observation.PilotObservationDocumentation.Values;

/** The two keys every default convention derives from an error code: Pilot's outcome and OpenTelemetry's error type. */
final class Outcomes {

    private Outcomes() {
    }

    /** {@code pilot.outcome}: {@value Values#SUCCESS}, or the code's name. */
    static KeyValue outcome(ErrorCode code) {
        return LowCardinalityKeys.OUTCOME.withValue(code == null ? Values.SUCCESS : code.name());
    }

    /** {@code error.type}: {@value Values#NO_ERROR}, or the code's name. */
    static KeyValue errorType(ErrorCode code) {
        return RpcKeys.ERROR_TYPE.withValue(code == null ? Values.NO_ERROR : code.name());
    }
}

package io.pilot.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and key values of {@link PilotObservationDocumentation#BROADCAST} observations. To change them, declare a
 * bean of this type, or a {@link io.micrometer.observation.GlobalObservationConvention} of {@link PilotBroadcastContext}
 * (Spring Boot registers those beans with the registry; they apply when no bean of this type is declared). Extend
 * {@link DefaultPilotBroadcastObservationConvention} to add to the defaults.
 */
public interface PilotBroadcastObservationConvention extends ObservationConvention<PilotBroadcastContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof PilotBroadcastContext;
    }
}

package io.pilot.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and key values of {@link PilotObservationDocumentation#SERVER_REQUEST} observations. To change them,
 * declare a bean of this type (the auto-configuration passes it to the capability dispatcher), or a
 * {@link io.micrometer.observation.GlobalObservationConvention} of {@link PilotServerRequestContext} (Spring Boot registers those
 * beans with the registry; they apply when no bean of this type is declared). Extend
 * {@link DefaultPilotServerObservationConvention} to add to the defaults.
 */
public interface PilotServerObservationConvention extends ObservationConvention<PilotServerRequestContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof PilotServerRequestContext;
    }
}

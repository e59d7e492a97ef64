package io.pilot.spring.autoconfigure.diagnostics;

import io.pilot.spring.autoconfigure.PilotConfigurationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@code pilot.*} property that cannot work with the change it needs. The exception already
 * carries both, written where the property is checked; this only brings them to the start-up report.
 */
final class PilotConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<PilotConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PilotConfigurationException cause) {
        return new FailureAnalysis("The Pilot agent cannot start: " + cause.getMessage(), cause.action(), cause);
    }
}

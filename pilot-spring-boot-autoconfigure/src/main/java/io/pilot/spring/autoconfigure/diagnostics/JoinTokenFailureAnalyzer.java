package io.pilot.spring.autoconfigure.diagnostics;

import io.pilot.engine.directory.DirectoryException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a backbone that refused this agent's join token (none given, or another than the realm's) with the
 * properties that give it. Other refusals are left to the report of their exception.
 */
final class JoinTokenFailureAnalyzer extends AbstractFailureAnalyzer<DirectoryException> {

    private static final String PROPERTIES = "pilot.backbone.join-token (e.g. PILOT_BACKBONE_JOIN_TOKEN from a secret)"
            + " or pilot.backbone.join-token-file (a file holding it)";

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DirectoryException cause) {
        return switch (cause.error()) {
            case JOIN_TOKEN_REQUIRED -> new FailureAnalysis("The Pilot agent cannot start: the backbone requires a join"
                    + " token and neither pilot.backbone.join-token nor pilot.backbone.join-token-file is set",
                    "Set " + PROPERTIES + " to the realm's join token, the one the backbone was started with.", cause);
            case JOIN_TOKEN_INVALID -> new FailureAnalysis("The Pilot agent cannot start: the backbone refused the join"
                    + " token of pilot.backbone.join-token / pilot.backbone.join-token-file (" + cause.reason() + ")",
                    "Set " + PROPERTIES + " to the realm's join token, the one the backbone was started with"
                            + " (BackboneMain's --join-token-file or PILOT_JOIN_TOKEN).", cause);
            default -> null;
        };
    }
}

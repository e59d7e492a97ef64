package io.pilot.spring.autoconfigure.diagnostics;

import io.pilot.engine.identity.IdentityException;

import java.io.IOException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an identity file the node refused, with the way out. The key in that file is the node's address,
 * so the action puts repairing the file before replacing it, and says what replacing it costs.
 *
 * <p>The exception names the file and the problem but not its kind; its cause tells the two kinds apart
 * without reading the message: an {@link IOException} means the file could not be created or read
 * (a directory or permission problem), no cause means the file was read and refused.
 */
final class IdentityFailureAnalyzer extends AbstractFailureAnalyzer<IdentityException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, IdentityException cause) {
        String file = cause.file().toString();
        String action = cause.getCause() instanceof IOException
                ? "Make " + file + " and its directory readable and writable by the user running this application,"
                        + " or point pilot.identity.path (pilot.backbone.identity for an embedded backbone) at a"
                        + " location that is."
                : "If the file is only readable by other users and the key has not leaked, run: chmod 600 " + file
                        + "\nIf the file is damaged, restore it from a backup: its key is this node's address."
                        + "\nWithout a backup, move " + file + " away and start again: a new identity is created"
                        + " with a NEW address, which peers that pinned or allow-listed the old one must learn.";
        return new FailureAnalysis("The Pilot node cannot use its " + cause.getMessage(), action, cause);
    }
}

package io.pilot.spring.autoconfigure.diagnostics;

import io.netty.channel.unix.Errors;
import io.pilot.engine.PilotNode;

import java.net.BindException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a Pilot node whose UDP socket could not be bound, typically because the port is in use.
 *
 * <p>{@link PilotNode#start()} reports this as an {@link IllegalStateException} "cannot bind UDP &lt;address&gt;:
 * ..." caused by the socket's error: a {@link BindException} on NIO, an {@link Errors.NativeIoException} on
 * epoll. Only an exception with both that message and such a cause is analyzed, so other
 * {@code IllegalStateException}s keep Boot's default report; the engine needs no exception type of its own.
 * The operating system's text ("Address already in use") tells a busy port from an address that is not
 * this host's.
 */
final class UdpBindFailureAnalyzer extends AbstractFailureAnalyzer<IllegalStateException> {

    private static final String PREFIX = "cannot bind UDP ";
    private static final String IN_USE = "Address already in use";

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, IllegalStateException cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof IllegalStateException failure && isBindFailure(failure)) {
                return analysis(failure);
            }
        }
        return null;
    }

    private static boolean isBindFailure(IllegalStateException failure) {
        if (failure.getMessage() == null || !failure.getMessage().startsWith(PREFIX)) {
            return false;
        }
        for (Throwable t = failure.getCause(); t != null; t = t.getCause()) {
            if (t instanceof BindException || t instanceof Errors.NativeIoException) {
                return true;
            }
        }
        return false;
    }

    private static FailureAnalysis analysis(IllegalStateException failure) {
        String action = failure.getMessage().contains(IN_USE)
                ? "Another process, perhaps another instance of this application, uses that UDP port. Stop it, or"
                        + " choose another port: pilot.bind.port for this agent (0 picks a free one),"
                        + " pilot.backbone.address for an embedded backbone."
                : "Set pilot.bind.address to an address of this host (0.0.0.0 for all of them) and pilot.bind.port"
                        + " to a port this user may bind (above 1023, or 0 for any free one); for an embedded"
                        + " backbone, pilot.backbone.address.";
        return new FailureAnalysis("The Pilot node " + failure.getMessage(), action, failure);
    }
}

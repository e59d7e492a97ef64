package io.pilot.spring.client;

import io.pilot.engine.directory.Names;
import io.pilot.spring.CapabilityCall;

import java.time.Duration;

/**
 * Where the calls of one client interface go: any provider (the default), the providers in {@code group}, or the
 * agent named {@code hostname}; within {@code timeout} (null: {@code pilot.request-timeout}). What
 * {@code pilot.client.interfaces.<name>.*} configures.
 */
public record ClientTarget(String hostname, String group, Duration timeout) {

    /** Any provider, within the request timeout. */
    public static final ClientTarget ANYCAST = new ClientTarget(null, null, null);

    /** @throws IllegalArgumentException for both a hostname and a group, a bad group name, or a timeout not positive */
    public ClientTarget {
        if (hostname != null && group != null) {
            throw new IllegalArgumentException("calls go to a named agent (" + hostname + ") or to a group (" + group
                    + "), not both");
        }
        if (group != null) {
            Names.checkGroup(group);
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("the timeout must be positive, got " + timeout);
        }
    }

    /** {@code call} sent where this target says. */
    CapabilityCall applyTo(CapabilityCall call) {
        CapabilityCall targeted = hostname != null ? call.to(hostname) : group != null ? call.inGroup(group) : call;
        return timeout != null ? targeted.timeout(timeout) : targeted;
    }
}

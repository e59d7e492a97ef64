package io.pilot.spring.capability;

/**
 * How capability calls travel: a Pilot request to {@link #PORT} with the capability's name in the
 * {@code capability} header and the argument as JSON; the reply carries the result as JSON (empty for
 * {@code void}). A failure comes back as an error reply with a typed code and a problem document
 * ({@code application/problem+json}, {@link io.pilot.spring.PilotProblem}); see {@link CapabilityFailures}.
 */
public final class CapabilityProtocol {

    /** The port every agent serves its capabilities on. */
    public static final int PORT = 100;

    /** Where broadcasts to a group arrive. */
    public static final int BROADCAST_PORT = 101;

    public static final String JSON = "application/json";

    private CapabilityProtocol() {
    }
}

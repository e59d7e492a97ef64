package io.pilot.engine.address;

/**
 * Ports name services on a node, as UDP and TCP ports do on a host. The well-known ones live here.
 */
public final class Ports {

    /** Largest port: ports travel as unsigned 16-bit numbers. */
    public static final int MAX = 0xFFFF;

    /**
     * The schema service every agent with a directory client answers: a request whose body is a capability's name
     * (UTF-8) is answered with that capability's schema document, whose SHA-256 the agent's signed record names
     * (PROTOCOL §7.4.1). Only documents too large for the record itself are asked for here.
     */
    public static final int SCHEMAS = 4;

    /** The echo service every node answers, used by ping. */
    public static final int ECHO = 7;

    /**
     * The discard service every node answers, used to measure throughput: it drops the body and replies
     * with its length, 8 bytes big-endian (so the sender knows it all arrived without it coming back).
     */
    public static final int DISCARD = 9;

    /**
     * Where capabilities are called: a request with the capability's name in the {@code capability} header and its
     * argument as JSON (the Spring starter serves it; {@code pilotctl call} calls it).
     */
    public static final int CAPABILITIES = 100;

    private Ports() {
    }

    /** Refuses a number that is not a port, with a message that says so. */
    public static int check(int port) {
        if (port < 0 || port > MAX) {
            throw new IllegalArgumentException("port " + port + " is outside 0.." + MAX);
        }
        return port;
    }
}

package io.pilot.spring.autoconfigure;

/**
 * A {@code pilot.*} property that cannot work as it is, with what to change. Start-up fails with it
 * rather than run a node that is not what the configuration says.
 */
public final class PilotConfigurationException extends RuntimeException {

    private final String property;
    private final String action;

    public PilotConfigurationException(String property, String problem, String action) {
        super(property + ": " + problem);
        this.property = property;
        this.action = action;
    }

    public String property() {
        return property;
    }

    /** What to change. */
    public String action() {
        return action;
    }
}

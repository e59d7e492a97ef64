package io.pilot.spring.autoconfigure;

/**
 * The backbone of the {@code pilot.backbone.*} properties: the connection details an application has unless it
 * declares a {@link PilotBackboneConnectionDetails} bean of its own.
 */
final class PropertiesPilotBackboneConnectionDetails implements PilotBackboneConnectionDetails {

    private final PilotProperties.Backbone properties;

    PropertiesPilotBackboneConnectionDetails(PilotProperties.Backbone properties) {
        this.properties = properties;
    }

    @Override
    public String getAddress() {
        return properties.getAddress();
    }

    @Override
    public String getKey() {
        return properties.getKey();
    }

    /** From {@code join-token} or {@code join-token-file}, checked: a bad one fails start-up naming the property. */
    @Override
    public String getJoinToken() {
        return ConfiguredJoinToken.from(properties);
    }
}

package io.pilot.spring.test;

import io.pilot.spring.autoconfigure.PilotBackboneConnectionDetails;

/** The test backbone as the application's connection details: the bean {@link EmbeddedPilotBackbone} contributes. */
final class EmbeddedBackboneConnectionDetails implements PilotBackboneConnectionDetails {

    private final EmbeddedBackboneHandle backbone;

    EmbeddedBackboneConnectionDetails(EmbeddedBackboneHandle backbone) {
        this.backbone = backbone;
    }

    @Override
    public String getAddress() {
        return "127.0.0.1:" + backbone.port();
    }

    @Override
    public String getKey() {
        return backbone.key().toString();
    }
}

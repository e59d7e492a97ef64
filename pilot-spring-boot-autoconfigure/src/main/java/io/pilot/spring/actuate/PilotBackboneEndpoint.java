package io.pilot.spring.actuate;

import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneStatus;
import io.pilot.engine.backbone.BackboneStatusPage;
import io.pilot.spring.runtime.PilotRuntime;

import java.util.Optional;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code pilotbackbone} endpoint: the status of the backbone this application embeds
 * ({@code pilot.backbone.embedded=true}): its groups with their live member counts, agents by path, rates
 * and recent joins and leaves ({@link BackboneStatus.Snapshot}, the JSON a standalone backbone serves at
 * {@code /status.json}), and at {@code /actuator/pilotbackbone/page} the same status page. Both answer 404
 * while the backbone does not run.
 */
@Endpoint(id = "pilotbackbone")
public class PilotBackboneEndpoint {

    /** The selector of the HTML page. */
    static final String PAGE = "page";

    private final PilotRuntime runtime;

    public PilotBackboneEndpoint(PilotRuntime runtime) {
        this.runtime = runtime;
    }

    /** The backbone's status, or null (404) while it does not run. */
    @ReadOperation
    public BackboneStatus.Snapshot status() {
        return backbone().map(b -> b.status().snapshot()).orElse(null);
    }

    /** The status page at {@code page} (it reads the JSON beside it); anything else, or no backbone: null (404). */
    @ReadOperation(produces = "text/html")
    public String page(@Selector String view) {
        if (!PAGE.equals(view) || backbone().isEmpty()) {
            return null;
        }
        // The page is /actuator/pilotbackbone/page: its JSON is the endpoint itself, one level up.
        return BackboneStatusPage.html("../pilotbackbone");
    }

    private Optional<Backbone> backbone() {
        return runtime.isRunning() ? runtime.embeddedBackbone() : Optional.empty();
    }
}

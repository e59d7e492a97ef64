package io.pilot.samples.coordinator.demo;

import java.net.URI;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The page's demo controls, passed on to the fleet ({@link FleetControl}): {@code GET /api/demo} says whether they
 * are on and lists the agents; {@code POST /api/demo/agents/NAME/stop}, {@code POST /api/demo/specialists?profile=fx}
 * and {@code POST /api/demo/agents/NAME/loss?percent=P} stop, start and impair. Off ({@code {"enabled":false}}, and
 * 404 for the rest) unless {@code demo.control-url} is set, which only bin/demo and its tests do.
 */
@RestController
public class DemoController {

    private static final String PREFIX = "/api/demo";

    private final Optional<FleetControl> fleet;

    public DemoController(@Value("${demo.control-url:}") String controlUrl) {
        this.fleet = controlUrl.isBlank() ? Optional.empty() : Optional.of(new FleetControl(URI.create(controlUrl)));
    }

    @GetMapping(PREFIX)
    public ResponseEntity<String> controls() {
        return fleet.map(control -> answer(control.send("GET", "/agents")))
                .orElseGet(() -> json(200, "{\"enabled\":false}"));
    }

    @PostMapping({PREFIX + "/agents/*/stop", PREFIX + "/agents/*/loss", PREFIX + "/specialists"})
    public ResponseEntity<String> control(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length() + PREFIX.length());
        String query = request.getQueryString() == null ? "" : "?" + request.getQueryString();
        return fleet.map(control -> answer(control.send("POST", path + query)))
                .orElseGet(() -> json(404, "{\"error\":\"the demo controls are off: bin/demo turns them on\"}"));
    }

    private static ResponseEntity<String> answer(FleetControl.Answer answer) {
        return json(answer.status(), answer.json());
    }

    private static ResponseEntity<String> json(int status, String body) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }
}

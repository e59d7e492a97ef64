package io.pilot.samples.coordinator;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.pilot.engine.directory.NodeRecord;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotRemoteException;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /research} answers a research request (JSON, or text for {@code Accept: text/plain});
 * {@code GET /api/agents} lists the members of the
 * RESEARCH group with what they offer, for the page's view of the mesh.
 */
@RestController
public class ResearchController {

    private final ResearchService research;
    private final PilotClient pilot;

    public ResearchController(ResearchService research, PilotClient pilot) {
        this.research = research;
        this.pilot = pilot;
    }

    @PostMapping(path = "/research", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResearchAnswer research(@RequestBody ResearchRequest request) {
        return research.research(request);
    }

    @PostMapping(path = "/research", produces = MediaType.TEXT_PLAIN_VALUE)
    public String researchAsText(@RequestBody ResearchRequest request) {
        return AnswerText.render(research.research(request));
    }

    @GetMapping("/api/agents")
    public List<Agent> agents() {
        return pilot.members(ResearchService.GROUP).stream().map(Agent::of)
                .sorted(Comparator.comparing(Agent::hostname)).toList();
    }

    /**
     * A member of the group as the directory describes it.
     *
     * @param hostname its hostname
     * @param address its Pilot address
     * @param capabilities what it offers
     * @param groups the groups it is in
     * @param endpoints where it can be reached, as published
     */
    public record Agent(String hostname, String address, List<String> capabilities, List<String> groups,
            List<String> endpoints) {

        static Agent of(NodeRecord record) {
            return new Agent(record.hostname(), record.address().toString(),
                    record.capabilities().stream().map(c -> c.name()).sorted().toList(),
                    record.groups().stream().sorted().toList(),
                    record.endpoints().stream().map(Object::toString).toList());
        }
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(PilotRemoteException.class)
    ProblemDetail unavailable(PilotRemoteException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        problem.setProperties(Map.of("code", e.code().name()));
        return problem;
    }
}

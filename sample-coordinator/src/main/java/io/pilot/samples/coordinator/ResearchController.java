package io.pilot.samples.coordinator;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.ErrorCode;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotRemoteException;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code POST /research} answers a research request (JSON, or text for {@code Accept: text/plain});
 * {@code GET /api/ask} answers a question in words (a language model with the mesh's tools, or the planner);
 * {@code GET /api/rate} asks the fx specialist for one rate; {@code GET /api/fx/series} streams a pair's daily rates
 * to the page as they come; {@code GET /api/agents} lists the members of the
 * RESEARCH group with what they offer, for the page's view of the mesh. A call that fails a whole request is
 * answered with the status its code calls for and a problem document with the code and the trace.
 */
@RestController
public class ResearchController {

    /** The capability {@code GET /api/fx/series} streams from ({@link Fx#series}). */
    static final String SERIES = "fx.series.stream";

    /** The longest the page may hold a series stream open: the whole data streams in well under a second. */
    private static final Duration SERIES_LIMIT = Duration.ofMinutes(2);

    private final ResearchService research;
    private final Fx fx;
    private final PilotClient pilot;
    private final TraceIds traceIds;
    private final SeriesSource seriesSource;
    private final AskService ask;

    public ResearchController(ResearchService research, Fx fx, PilotClient pilot, TraceIds traceIds, SeriesSource seriesSource,
            AskService ask) {
        this.research = research;
        this.ask = ask;
        this.fx = fx;
        this.pilot = pilot;
        this.traceIds = traceIds;
        this.seriesSource = seriesSource;
    }

    @PostMapping(path = "/research", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResearchAnswer research(@RequestBody ResearchRequest request) {
        return research.research(request);
    }

    @PostMapping(path = "/research", produces = MediaType.TEXT_PLAIN_VALUE)
    public String researchAsText(@RequestBody ResearchRequest request) {
        return AnswerText.render(research.research(request));
    }

    /**
     * A question in words, answered by a language model that calls the specialists' tools when one is configured, else
     * by the deterministic planner ({@link AskService}): {@code GET /api/ask?q=attention in USD and JPY}.
     */
    @GetMapping("/api/ask")
    public AskAnswer ask(@RequestParam(required = false) String q) {
        return ask.ask(q);
    }

    /** The latest rate of one pair, straight from whichever fx specialist answers; its refusal is this request's. */
    @GetMapping("/api/rate")
    public Fx.Rate rate(@RequestParam(defaultValue = "EUR") String base, @RequestParam String quote) {
        return fx.rate(base, quote);
    }

    /**
     * The daily rates of a pair as Server-Sent Events, relayed as the fx specialist streams them ({@link SeriesRelay}):
     * {@code GET /api/fx/series?base=EUR&quote=USD&from=2022-12-01&to=2023-01-31}, the dates optional. A request it
     * cannot take, or one the specialist refuses before its first point, is answered with a problem document instead.
     */
    @GetMapping(path = "/api/fx/series", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter series(@RequestParam(defaultValue = "EUR") String base, @RequestParam(defaultValue = "USD") String quote,
            @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        SeriesRequest request = SeriesRequest.of(base, quote, from, to);
        return SeriesRelay.start(fx.series(request.base(), request.quote(), request.from(), request.to()),
                () -> seriesSource.describe(SERIES), SERIES_LIMIT);
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

    /** A request the coordinator cannot take, refused before any specialist is asked; coded as a specialist's refusal is. */
    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setProperty("code", ErrorCode.INVALID_ARGUMENT.name());
        return problem;
    }

    /** The language model (or its server) failed; the question itself was fine. */
    @ExceptionHandler(ModelAsk.ModelFailure.class)
    ProblemDetail modelFailure(ModelAsk.ModelFailure e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY, e.getMessage());
    }

    /** The specialist's code and words, and the trace to look for (the specialist's own, else this request's). */
    @ExceptionHandler(PilotRemoteException.class)
    ProblemDetail remoteFailure(PilotRemoteException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(RemoteFailures.httpStatus(e.code()), e.detail());
        if (e.title() != null) {
            problem.setTitle(e.title());
        }
        problem.setProperty("code", e.code().name());
        if (e.capability() != null) {
            problem.setProperty("capability", e.capability());
        }
        String traceId = e.traceId() != null ? e.traceId() : traceIds.get();
        if (traceId != null) {
            problem.setProperty("traceId", traceId);
        }
        if (!e.fieldErrors().isEmpty()) {
            problem.setProperty("errors", e.fieldErrors());
        }
        return problem;
    }
}

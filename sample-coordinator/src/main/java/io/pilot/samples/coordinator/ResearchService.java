package io.pilot.samples.coordinator;

import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.group.BroadcastResult;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotReply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Answers a research request: asks the specialists for papers, news and exchange rates, all at once, each
 * call going to whichever live agent offers the capability (the backbone says who; the call itself goes
 * straight to that agent). A part that fails is reported as such; the others still answer. The specialists are
 * client interfaces ({@link Papers}, {@link News}, {@link Fx}) whose methods answer a {@link PilotReply}: the part
 * shows who answered, over which path, when it was asked and in how long; the answer's timings are kept for the
 * page's waterfall ({@link ResearchHistory}).
 */
@Service
public class ResearchService {

    /** The group every specialist joins, and the coordinator tells about each request. */
    public static final String GROUP = "RESEARCH";

    private static final Logger log = LoggerFactory.getLogger(ResearchService.class);

    private final Papers papers;
    private final News news;
    private final Fx fx;
    private final PilotClient pilot;
    private final Supplier<String> traceIds;
    private final String hostname;
    private final ResearchHistory history;
    private final ReplyPaths paths;

    public ResearchService(Papers papers, News news, Fx fx, PilotClient pilot, TraceIds traceIds,
            @Value("${pilot.hostname}") String hostname, ResearchHistory history, ReplyPaths paths) {
        this.papers = papers;
        this.news = news;
        this.fx = fx;
        this.pilot = pilot;
        this.traceIds = traceIds;
        this.hostname = hostname;
        this.history = history;
        this.paths = paths;
    }

    public ResearchAnswer research(ResearchRequest raw) {
        ResearchRequest request = raw.validated();
        long started = System.nanoTime();
        ResearchAnswer.BroadcastSummary told = request.broadcast() ? tell(request.topic()) : null;
        List<CompletableFuture<ResearchPart>> parts = new ArrayList<>();
        String topic = request.topic();
        int limit = request.limit();
        parts.add(ask(started, "papers.search", arguments("query", topic, "limit", limit), () -> papers.search(topic, limit)));
        parts.add(ask(started, "news.search", arguments("topic", topic, "limit", limit), () -> news.search(topic, limit)));
        for (String quote : request.currencies()) {
            parts.add(ask(started, "fx.rate", arguments("base", request.base(), "quote", quote),
                    () -> fx.rateReply(request.base(), quote)));
        }
        List<ResearchPart> answered = parts.stream().map(CompletableFuture::join).toList();
        double millis = (System.nanoTime() - started) / 1e6;
        log.info("Researched '{}' in {} ms: {}", request.topic(), Math.round(millis),
                answered.stream().map(p -> p.capability() + "@" + p.agent()).toList());
        ResearchAnswer answer = new ResearchAnswer(request.topic(), traceIds.get(), millis, answered, told);
        history.add(answer);
        return answer;
    }

    /**
     * One part, asked now.
     *
     * @param requestStarted when the research request started ({@link System#nanoTime()}): the part's offset is from it
     * @param capability what {@code call} calls, named for a part that gets no reply
     * @param arguments what {@code call} sends, shown with the part
     */
    private CompletableFuture<ResearchPart> ask(long requestStarted, String capability, Map<String, Object> arguments,
            Supplier<CompletableFuture<? extends PilotReply<?>>> call) {
        long started = System.nanoTime();
        double startMillis = (started - requestStarted) / 1e6;
        CompletableFuture<? extends PilotReply<?>> reply;
        try {
            reply = call.get();
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.handle((answer, error) -> answer != null
                ? ResearchPart.answered(arguments, startMillis, paths.of(answer), answer)
                : ResearchPart.failed(capability, arguments, startMillis, (System.nanoTime() - started) / 1e6, error));
    }

    private ResearchAnswer.BroadcastSummary tell(String topic) {
        long started = System.nanoTime();
        try {
            BroadcastResult result = pilot.broadcast(GROUP, new ResearchNotice(topic, hostname));
            return new ResearchAnswer.BroadcastSummary(GROUP,
                    result.delivered().stream().map(NodeRecord::hostname).sorted().toList(),
                    result.failed().stream().map(f -> f.member().hostname() + ": " + f.reason()).sorted().toList(),
                    (System.nanoTime() - started) / 1e6);
        } catch (RuntimeException e) {
            return new ResearchAnswer.BroadcastSummary(GROUP, List.of(), List.of("the group: " + RemoteFailures.describe(e)),
                    (System.nanoTime() - started) / 1e6);
        }
    }

    private static Map<String, Object> arguments(Object... keysAndValues) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            arguments.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return arguments;
    }
}

package io.pilot.samples.coordinator;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.stereotype.Component;

/**
 * The latest research requests' timings, newest first, for the page's waterfall: whichever way a request came
 * (the page's form, {@code curl}, {@code bin/demo}, the ask mode), the page shows it. Only the timings are kept,
 * not the results, and only the last {@value #KEPT}.
 */
@Component
public class ResearchHistory {

    /** How many requests are kept. */
    static final int KEPT = 20;

    private final Deque<Waterfall> latest = new ArrayDeque<>();
    private final AtomicLong numbers = new AtomicLong();
    private final Clock clock;

    public ResearchHistory() {
        this(Clock.systemUTC());
    }

    ResearchHistory(Clock clock) {
        this.clock = clock;
    }

    void add(ResearchAnswer answer) {
        Waterfall waterfall = Waterfall.of(numbers.incrementAndGet(), clock.instant(), answer);
        synchronized (latest) {
            latest.addFirst(waterfall);
            while (latest.size() > KEPT) {
                latest.removeLast();
            }
        }
    }

    /** The kept requests, newest first. */
    public List<Waterfall> latest() {
        synchronized (latest) {
            return List.copyOf(latest);
        }
    }

    /**
     * One research request as a waterfall: its parts as bars on one time axis.
     *
     * @param number counts the requests since the coordinator started, from 1
     * @param at when it was answered
     * @param topic what was researched
     * @param traceId its trace, or null without tracing
     * @param millis the whole request
     * @param broadcast the group told about it first, or null if it was not
     * @param bars one per part, in the order asked
     */
    public record Waterfall(long number, Instant at, String topic, String traceId, double millis,
            ResearchAnswer.BroadcastSummary broadcast, List<Bar> bars) {

        static Waterfall of(long number, Instant at, ResearchAnswer answer) {
            return new Waterfall(number, at, answer.topic(), answer.traceId(), answer.millis(), answer.broadcast(),
                    answer.parts().stream().map(Bar::of).toList());
        }
    }

    /**
     * One part of a request on the waterfall.
     *
     * @param capability the capability called
     * @param arguments what it was called with (tells the three fx.rate parts apart)
     * @param agent who answered; null if nobody did
     * @param path {@code direct}, {@code relayed}, {@code relayed over TCP} or {@code unknown}
     * @param startMillis when it was asked, from the start of the request
     * @param millis how long it took
     * @param error why it has no result, or null
     */
    public record Bar(String capability, Map<String, Object> arguments, String agent, String path, double startMillis,
            double millis, String error) {

        static Bar of(ResearchPart part) {
            return new Bar(part.capability(), part.arguments(), part.agent(), part.path(), part.startMillis(), part.millis(),
                    part.error());
        }
    }
}

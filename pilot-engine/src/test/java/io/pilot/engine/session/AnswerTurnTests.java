package io.pilot.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * How many INITs a turn answers ({@link AnswerTurn}), on a clock the test moves: answering one INIT costs
 * {@link #ANSWER_NANOS} of it, as it costs about a third of a millisecond of the loop's time here.
 */
class AnswerTurnTests {

    private static final long ANSWER_NANOS = TimeUnit.MICROSECONDS.toNanos(350);

    private long now = TimeUnit.SECONDS.toNanos(1);
    private final AnswerTurn turn = new AnswerTurn(() -> now);

    @Test
    void aBacklogThatIsNotCrowdedGetsEightPerTurnHoweverLongTheLoopWasAway() {
        now += TimeUnit.MILLISECONDS.toNanos(100);
        assertThat(runTurn(false, 1_000)).isEqualTo(AnswerTurn.INITS_PER_TURN);
    }

    @Test
    void aCrowdedBacklogGetsAsLongAsTheLoopSpentOnEverythingElseSinceTheLastTurn() {
        runTurn(true, 1_000);
        now += TimeUnit.MILLISECONDS.toNanos(7);
        // 7 ms of reading since the last turn: answers go on while the turn is shorter, 20 of them at 0.35 ms
        assertThat(runTurn(true, 1_000)).isEqualTo(20);
        now += TimeUnit.MILLISECONDS.toNanos(1);
        assertThat(runTurn(true, 1_000)).as("a short pass still answers the minimum").isEqualTo(AnswerTurn.INITS_PER_TURN);
    }

    @Test
    void theFirstTurnOfAWaveCountsFromItsFirstInitNotFromAnEarlierWave() {
        runTurn(true, 1_000);
        now += TimeUnit.SECONDS.toNanos(5); // idle
        turn.firstWaiting();
        now += TimeUnit.MILLISECONDS.toNanos(4); // the wave arrives in one look at the sockets
        // 4 ms since the first INIT waited, not 20 ms: 12 at 0.35 ms
        assertThat(runTurn(true, 1_000)).isEqualTo(12);
    }

    @Test
    void noTurnIsLongerThanTwentyMillisecondsPastTheMinimum() {
        now += TimeUnit.SECONDS.toNanos(3);
        // 20 ms at 0.35 ms each: 58 INITs, the 58th starting at 19.95 ms
        assertThat(runTurn(true, 1_000)).isEqualTo(58);
    }

    @Test
    void underAWaveTheLoopSplitsItsTimeAboutEvenlyBetweenInitsAndEverythingElse() {
        long answering = 0;
        long elsewhere = 0;
        runTurn(true, 1_000);
        for (int pass = 0; pass < 200; pass++) {
            // each look at the sockets reads for 3 to 13 ms, the established sessions' datagrams (longer than the
            // minimum turn, 2.8 ms, which would otherwise decide)
            long reading = TimeUnit.MICROSECONDS.toNanos(3_000 + (pass * 1_237L) % 10_000);
            now += reading;
            elsewhere += reading;
            answering += runTurn(true, 1_000) * ANSWER_NANOS;
        }
        // each turn overshoots its share by less than one answer: within 0.35 ms of 3 to 13 ms per pass
        assertThat((double) answering / elsewhere).isBetween(1.0, 1.0 + (double) ANSWER_NANOS / 3_000_000);
    }

    /** One turn of at most {@code waiting} INITs, each moving the clock by its cost; returns how many it answered. */
    private int runTurn(boolean crowded, int waiting) {
        turn.begin(crowded);
        int answered = 0;
        while (answered < waiting && turn.another()) {
            now += ANSWER_NANOS;
            answered++;
        }
        turn.end();
        return answered;
    }
}

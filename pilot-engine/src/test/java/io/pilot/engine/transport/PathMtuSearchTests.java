package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.transport.PathMtuSearch.State;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The DPLPMTUD search state machine (RFC 8899 §5.2) alone, driven against simulated paths. */
class PathMtuSearchTests {

    private static final int BASE = 1232;
    private static final int MAX = 8952;

    private final PathMtuSearch search = new PathMtuSearch(BASE, MAX);
    private long now = 1_000;

    /** Sends the due probe over a path that carries datagrams up to {@code pathLimit}; returns its size, 0 if none was due. */
    private int probeOnce(int pathLimit) {
        int size = search.probeDue(now);
        if (size == 0) {
            return 0;
        }
        search.probeSent(size);
        now += 1_000_000;
        if (size <= pathLimit) {
            search.probeAcknowledged(size, now);
        } else {
            search.probeLost(size, now);
        }
        return size;
    }

    private void searchOver(int pathLimit) {
        for (int probes = 0; probes < 200 && probeOnce(pathLimit) != 0; probes++) {
            assertThat(search.plpmtu()).as("never validated beyond what the path carries").isLessThanOrEqualTo(Math.max(BASE, pathLimit));
        }
    }

    @Test
    void confirmsTheBaseThenClimbsTheLadderToTheLargestSizeWorthProbing() {
        assertThat(search.state()).isEqualTo(State.BASE);
        assertThat(search.plpmtu()).isEqualTo(BASE);

        assertThat(probeOnce(65_000)).isEqualTo(BASE);
        assertThat(search.state()).isEqualTo(State.SEARCHING);
        assertThat(probeOnce(65_000)).isEqualTo(1452);
        assertThat(search.plpmtu()).isEqualTo(1452);
        assertThat(probeOnce(65_000)).isEqualTo(4048);
        assertThat(probeOnce(65_000)).isEqualTo(MAX);

        assertThat(search.state()).isEqualTo(State.SEARCH_COMPLETE);
        assertThat(search.plpmtu()).isEqualTo(MAX);
        assertThat(search.probeDue(now)).as("nothing more to probe until the raise timer").isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {1280, 1452, 1500, 2000, 4048, 4100, 8000, 8951})
    void aPathOfAnySizeBetweenBaseAndMaxIsFoundToWithinTheSmallestStep(int pathLimit) {
        searchOver(pathLimit);

        assertThat(search.state()).isEqualTo(State.SEARCH_COMPLETE);
        assertThat(search.plpmtu()).isLessThanOrEqualTo(pathLimit).isGreaterThan(pathLimit - PathMtuSearch.MIN_STEP);
    }

    @Test
    void aProbeLostFewerThanMaxProbesTimesIsTriedAgainNotGivenUp() {
        probeOnce(MAX); // base
        int size = search.probeDue(now);
        for (int i = 1; i < PathMtuSearch.MAX_PROBES; i++) {
            search.probeSent(size);
            search.probeLost(size, now);
            assertThat(search.probeDue(now)).as("the same size again after loss " + i).isEqualTo(size);
        }
        search.probeSent(size);
        search.probeAcknowledged(size, now);

        assertThat(search.plpmtu()).isEqualTo(size);
    }

    @Test
    void onlyOneProbeIsInFlightAndALateAnswerToAnOlderProbeChangesNothing() {
        int size = search.probeDue(now);
        search.probeSent(size);
        assertThat(search.probeDue(now)).isZero();

        search.probeAcknowledged(size + 1, now);
        search.probeLost(size + 1, now);
        assertThat(search.state()).isEqualTo(State.BASE);
        assertThat(search.probeDue(now)).isZero();
    }

    @Test
    void aBaseNobodyAnswersIsAnErrorThatTheNextAnsweredBaseProbeEnds() {
        for (int i = 0; i < PathMtuSearch.MAX_PROBES; i++) {
            assertThat(probeOnce(0)).isEqualTo(BASE);
        }
        assertThat(search.state()).isEqualTo(State.ERROR);
        assertThat(search.plpmtu()).isEqualTo(BASE);

        assertThat(probeOnce(MAX)).as("the base is probed again").isEqualTo(BASE);
        assertThat(search.state()).isEqualTo(State.SEARCHING);
    }

    @Test
    void aBlackHoleAtTheValidatedSizeFallsBackToTheBaseAndSearchesBelowWhatFailed() {
        searchOver(MAX);
        assertThat(search.plpmtu()).isEqualTo(MAX);

        search.lost(MAX);
        search.acknowledged(200); // small datagrams still get through
        for (int i = 1; i < PathMtuSearch.BLACK_HOLE_LOSSES; i++) {
            search.lost(MAX);
        }

        assertThat(search.state()).isEqualTo(State.BASE);
        assertThat(search.plpmtu()).isEqualTo(BASE);
        assertThat(probeOnce(1500)).isEqualTo(BASE);
        assertThat(search.probeDue(now)).as("halfway below the size that failed").isEqualTo(BASE + (MAX - BASE) / 2);
        searchOver(1500);
        assertThat(search.plpmtu()).isLessThanOrEqualTo(1500).isGreaterThan(1500 - PathMtuSearch.MIN_STEP);
    }

    @Test
    void largeDatagramsLostWhileNothingSmallGetsThroughOrWithALargeOneAcknowledgedBetweenAreNoBlackHole() {
        searchOver(MAX);

        for (int i = 0; i < 2 * PathMtuSearch.BLACK_HOLE_LOSSES; i++) {
            search.lost(MAX); // congestion: everything is lost alike
        }
        assertThat(search.plpmtu()).isEqualTo(MAX);

        search.acknowledged(200);
        search.acknowledged(MAX); // a full one got through: the path carries the size
        for (int i = 1; i < PathMtuSearch.BLACK_HOLE_LOSSES; i++) {
            search.lost(MAX);
        }
        search.acknowledged(200);
        assertThat(search.state()).isEqualTo(State.SEARCH_COMPLETE);
        assertThat(search.plpmtu()).isEqualTo(MAX);
    }

    @Test
    void theRaiseTimerStartsANewSearchAboveTheResult() {
        searchOver(1452);
        assertThat(search.plpmtu()).isEqualTo(1452);
        long completedAt = now;

        assertThat(search.probeDue(completedAt + PathMtuSearch.RAISE_INTERVAL_NANOS - 1_000_000_000L)).isZero();
        assertThat(search.probeDue(completedAt + PathMtuSearch.RAISE_INTERVAL_NANOS)).as("the path may have grown").isEqualTo(4048);
        assertThat(search.state()).isEqualTo(State.SEARCHING);
        now = completedAt + PathMtuSearch.RAISE_INTERVAL_NANOS;
        searchOver(MAX);
        assertThat(search.plpmtu()).isEqualTo(MAX);
    }

    @Test
    void aSizeTheSocketRefusesIsTooLargeAtOnceAndBelowThePlpmtuMeansBackToBase() {
        probeOnce(MAX);
        probeOnce(MAX); // 1452 passes
        int probe = search.probeDue(now);
        assertThat(probe).isEqualTo(4048);
        search.probeSent(probe);

        search.tooBig(probe, now);
        assertThat(search.probeDue(now)).as("no need to lose it three times").isEqualTo(1452 + (4048 - 1452) / 2);

        search.tooBig(1400, now);
        assertThat(search.state()).isEqualTo(State.BASE);
        assertThat(search.plpmtu()).isEqualTo(BASE);
        search.tooBig(BASE, now);
        assertThat(search.plpmtu()).as("the base is not given up on a local refusal").isEqualTo(BASE);
    }

    @Test
    void withMoreProbesPerSizeASizeCountsAsTooLargeOnlyAfterThatManyLosses() {
        PathMtuSearch relayed = new PathMtuSearch(BASE, MAX, PathMtuSearch.MAX_PROBES + 1);
        relayed.probeSent(relayed.probeDue(now));
        relayed.probeAcknowledged(BASE, now);
        int size = relayed.probeDue(now);
        for (int i = 1; i <= PathMtuSearch.MAX_PROBES; i++) {
            relayed.probeSent(size);
            relayed.probeLost(size, now);
            assertThat(relayed.probeDue(now)).as("the same size again after loss " + i).isEqualTo(size);
        }
        relayed.probeSent(size);
        relayed.probeLost(size, now);

        assertThat(relayed.probeDue(now)).as("given up after the last allowed loss").isLessThan(size);
        assertThat(relayed.plpmtu()).isEqualTo(BASE);
        assertThatThrownBy(() -> new PathMtuSearch(BASE, MAX, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxProbes 0");
    }

    @Test
    void aMaxBelowTheBaseIsRefused() {
        assertThatThrownBy(() -> new PathMtuSearch(BASE, BASE - 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("base 1232, max 1231");
        assertThatThrownBy(() -> new PathMtuSearch(0, 10)).isInstanceOf(IllegalArgumentException.class);
        PathMtuSearch fixed = new PathMtuSearch(BASE, BASE);
        fixed.probeSent(fixed.probeDue(0));
        fixed.probeAcknowledged(BASE, 0);
        assertThat(fixed.state()).as("nothing above the base to look for").isEqualTo(State.SEARCH_COMPLETE);
    }
}

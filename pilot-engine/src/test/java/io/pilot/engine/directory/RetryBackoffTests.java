package io.pilot.engine.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

class RetryBackoffTests {

    private static final Duration FIRST = Duration.ofMillis(500);
    private static final Duration MAX = Duration.ofSeconds(30);

    /** Always draws the lowest (or the highest) value it is asked for: the two edges of the jitter. */
    private record Edge(boolean highest) implements RandomGenerator {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException("only bounded draws are expected");
        }

        @Override
        public long nextLong(long bound) {
            return highest ? bound - 1 : 0;
        }
    }

    @Test
    void theCeilingDoublesFromTheFirstDelayUpToTheCap() {
        RetryBackoff backoff = new RetryBackoff(FIRST, MAX, new Edge(true));
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(8));
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(16));
        assertThat(backoff.next()).isEqualTo(MAX);
        for (int i = 0; i < 100; i++) {
            assertThat(backoff.next()).isEqualTo(MAX);
        }
    }

    @Test
    void theJitterNeverGoesBelowHalfTheCeiling() {
        RetryBackoff backoff = new RetryBackoff(FIRST, MAX, new Edge(false));
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(250));
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(1));
        for (int i = 0; i < 100; i++) {
            backoff.next();
        }
        assertThat(backoff.next()).isEqualTo(MAX.dividedBy(2));
    }

    @Test
    void randomDelaysStayWithinTheirStepAndSpreadOverIt() {
        RetryBackoff backoff = new RetryBackoff(FIRST, MAX, new SplittableRandom(42));
        Set<Duration> capped = new HashSet<>();
        long ceiling = FIRST.toNanos();
        for (int attempt = 0; attempt < 200; attempt++) {
            Duration delay = backoff.next();
            assertThat(delay.toNanos()).isBetween(ceiling / 2, ceiling);
            if (ceiling == MAX.toNanos()) {
                capped.add(delay);
            }
            ceiling = Math.min(ceiling * 2, MAX.toNanos());
        }
        // Agents that lost the backbone together must not retry together: the draws differ.
        assertThat(capped).hasSizeGreaterThan(150);
    }

    @Test
    void aSuccessStartsOverFromTheFirstStep() {
        RetryBackoff backoff = new RetryBackoff(FIRST, MAX, new Edge(true));
        for (int i = 0; i < 10; i++) {
            backoff.next();
        }
        assertThat(backoff.next()).isEqualTo(MAX);
        backoff.reset();
        assertThat(backoff.next()).isEqualTo(FIRST);
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aCapThatIsNotAPowerOfTwoOfTheFirstIsReachedExactly() {
        RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(5), new Edge(true));
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void hugeCeilingsDoNotOverflow() {
        RetryBackoff backoff = new RetryBackoff(Duration.ofNanos(1), Duration.ofDays(365 * 200), new Edge(true));
        Duration previous = Duration.ZERO;
        for (int i = 0; i < 200; i++) {
            Duration delay = backoff.next();
            assertThat(delay).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(Duration.ofDays(365 * 200));
            previous = delay;
        }
        assertThat(previous).isEqualTo(Duration.ofDays(365 * 200));
    }

    @Test
    void nonsenseBoundsAreRefused() {
        SplittableRandom random = new SplittableRandom(1);
        assertThatThrownBy(() -> new RetryBackoff(Duration.ZERO, MAX, random))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> new RetryBackoff(Duration.ofSeconds(-1), MAX, random))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryBackoff(Duration.ofSeconds(10), Duration.ofSeconds(5), random))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below the first");
    }
}

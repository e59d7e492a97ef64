package io.pilot.engine.limit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimiterTests {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void eachKeyHasItsOwnBudgetOfTwiceTheRate() {
        RateLimiter<String> limiter = new RateLimiter<>(5, 100);
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.tryAcquire("a", 0)).isTrue();
        }
        assertThat(limiter.tryAcquire("a", 0)).isFalse();
        assertThat(limiter.tryAcquire("b", 0)).as("another key is not charged for a's use").isTrue();
    }

    @Test
    void budgetsRefillWithTime() {
        RateLimiter<String> limiter = new RateLimiter<>(5, 100);
        for (int i = 0; i < 10; i++) {
            limiter.tryAcquire("a", 0);
        }
        assertThat(limiter.tryAcquire("a", SECOND / 10)).as("half a token earned").isFalse();
        assertThat(limiter.tryAcquire("a", SECOND / 5)).as("one token earned after 200 ms").isTrue();
        assertThat(limiter.tryAcquire("a", SECOND / 5)).isFalse();
    }

    @Test
    void byteBudgetsTakeAmounts() {
        RateLimiter<String> limiter = new RateLimiter<>(1000, 10);
        assertThat(limiter.tryAcquire("a", 0, 1500)).isTrue();
        assertThat(limiter.tryAcquire("a", 0, 501)).as("only 500 left of the 2000 burst").isFalse();
        assertThat(limiter.tryAcquire("a", 0, 500)).isTrue();
    }

    @Test
    void remembersAtMostMaxKeysForgettingTheLeastRecentlyUsed() {
        RateLimiter<Integer> limiter = new RateLimiter<>(1, 3);
        for (int key = 0; key < 3; key++) {
            limiter.tryAcquire(key, 0);
            limiter.tryAcquire(key, 0);
        }
        assertThat(limiter.tryAcquire(0, 0)).as("key 0 spent its burst").isFalse();
        for (int key = 3; key < 10_000; key++) {
            limiter.tryAcquire(key, 0);
        }
        assertThat(limiter.size()).isEqualTo(3);
        assertThat(limiter.tryAcquire(0, 0)).as("a forgotten key starts again with a full burst").isTrue();
    }

    @Test
    void forgetsBucketsThatRefilledAndAnswersAsIfItRemembered() {
        RateLimiter<Integer> limiter = new RateLimiter<>(1, 100_000);
        for (int key = 0; key < 1_000; key++) {
            assertThat(limiter.tryAcquire(key, 0)).isTrue();
        }
        assertThat(limiter.size()).isEqualTo(1_000);
        assertThat(limiter.tryAcquire(999, 0)).isTrue();
        assertThat(limiter.tryAcquire(999, 0)).as("key 999 spent its burst").isFalse();

        long later = 3 * SECOND; // every bucket refilled (burst 2 at 1 a second)
        for (int i = 0; i < 600; i++) {
            assertThat(limiter.tryAcquire(5_000, later + i * SECOND)).isTrue();
        }
        assertThat(limiter.size()).as("the refilled ones forgotten, two a call").isEqualTo(1);
        assertThat(limiter.tryAcquire(999, later)).as("a forgotten key has its full burst, as a remembered one would").isTrue();
    }

    @Test
    void keepsABucketThatHasNotRefilled() {
        RateLimiter<String> limiter = new RateLimiter<>(1, 100);
        limiter.tryAcquire("a", 0);
        limiter.tryAcquire("a", 0);
        limiter.tryAcquire("b", SECOND / 2);
        assertThat(limiter.size()).isEqualTo(2);
        assertThat(limiter.tryAcquire("a", SECOND / 2)).as("half a token earned, none left").isFalse();
    }

    @Test
    void refusesNonsenseBounds() {
        assertThatThrownBy(() -> new RateLimiter<>(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimiter<>(10, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}

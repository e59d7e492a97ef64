package io.pilot.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReplayWindowTests {

    private static final int W = ReplayWindow.WINDOW_SIZE;

    @Test
    void windowIsAtLeast8192Counters() {
        assertThat(W).isGreaterThanOrEqualTo(8192);
    }

    @Test
    void acceptsInOrderIncludingZero() {
        ReplayWindow window = new ReplayWindow();
        for (long c = 0; c < 3 * W; c++) {
            assertThat(window.check(c)).isTrue();
            assertThat(window.update(c)).isTrue();
            assertThat(window.check(c)).isFalse();
        }
    }

    @Test
    void countersSeenBeforeTheRingGrewStaySeenAfterIt() {
        // The ring starts small (a quiet session's share) and grows on the first counter beyond it: what it
        // remembered must carry over, and the full window must apply from then on.
        ReplayWindow window = new ReplayWindow();
        for (long c = 0; c < 200; c += 2) {
            assertThat(window.update(c)).isTrue();
        }
        assertThat(window.update(W - 1)).isTrue();
        for (long c = 0; c < 200; c++) {
            assertThat(window.check(c)).as("counter %d", c).isEqualTo(c % 2 == 1);
        }
        assertThat(window.update(1)).isTrue();
        assertThat(window.update(1)).isFalse();
        assertThat(window.update(W + 300)).isTrue();
        assertThat(window.check(300)).isFalse(); // now older than the window
        assertThat(window.check(302)).isTrue();
    }

    @Test
    void rejectsDuplicates() {
        ReplayWindow window = new ReplayWindow();
        assertThat(window.update(0)).isTrue();
        assertThat(window.update(0)).isFalse();
        assertThat(window.update(5)).isTrue();
        assertThat(window.update(5)).isFalse();
        assertThat(window.update(3)).isTrue();
        assertThat(window.update(3)).isFalse();
        assertThat(window.check(4)).isTrue();
    }

    @Test
    void acceptsReorderingWithinWindowOnce() {
        ReplayWindow window = new ReplayWindow();
        long greatest = 100_000;
        assertThat(window.update(greatest)).isTrue();
        for (long c = greatest - W + 1; c < greatest; c += 7) {
            assertThat(window.update(c)).as("counter %d", c).isTrue();
            assertThat(window.update(c)).as("replayed %d", c).isFalse();
        }
    }

    @Test
    void rejectsCountersTooOld() {
        ReplayWindow window = new ReplayWindow();
        long greatest = 100_000;
        window.update(greatest);
        assertThat(window.check(greatest - W + 1)).isTrue();
        assertThat(window.check(greatest - W)).isFalse();
        assertThat(window.update(greatest - W)).isFalse();
        assertThat(window.check(0)).isFalse();
    }

    @Test
    void rejectsNegativeAndCountersAtOrAboveLimit() {
        ReplayWindow window = new ReplayWindow(1000);
        assertThat(window.check(-1)).isFalse();
        assertThat(window.update(Long.MIN_VALUE)).isFalse();
        assertThat(window.check(1000)).isFalse();
        assertThat(window.update(1000)).isFalse();
        assertThat(window.update(999)).isTrue();
        assertThat(new ReplayWindow().check(PacketCipher.DEFAULT_COUNTER_LIMIT)).isFalse();
        assertThat(new ReplayWindow().check(PacketCipher.DEFAULT_COUNTER_LIMIT - 1)).isTrue();
        assertThatThrownBy(() -> new ReplayWindow(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jumpAheadWithinRingClearsOnlyTheWordsThatLeftTheWindow() {
        ReplayWindow window = new ReplayWindow();
        for (long c = 0; c < 200; c++) {
            window.update(c);
        }
        long jump = 199 + W - 50; // 0..149 fall out of the window, 150..199 stay seen
        assertThat(window.update(jump)).isTrue();
        for (long c = 0; c < 150; c++) {
            assertThat(window.check(c)).as("too old %d", c).isFalse();
        }
        for (long c = 150; c < 200; c++) {
            assertThat(window.check(c)).as("still seen %d", c).isFalse();
        }
        for (long c = 200; c < jump; c++) {
            assertThat(window.check(c)).as("fresh %d", c).isTrue();
        }
        assertThat(window.check(jump)).isFalse();
    }

    @Test
    void jumpFarBeyondRingClearsEverything() {
        ReplayWindow window = new ReplayWindow();
        for (long c = 0; c < 2 * W; c += 3) {
            window.update(c);
        }
        long jump = 10L * W + 5;
        assertThat(window.update(jump)).isTrue();
        for (long c = jump - W + 1; c < jump; c++) {
            assertThat(window.check(c)).as("fresh %d", c).isTrue();
        }
        assertThat(window.check(jump - W)).isFalse();
    }

    @Test
    void ringWordsWrapAroundRepeatedly() {
        ReplayWindow window = new ReplayWindow();
        long c = 0;
        window.update(c);
        // Advance in steps just under a word so every ring slot is reused many times.
        for (int i = 0; i < 5000; i++) {
            c += 63;
            assertThat(window.update(c)).isTrue();
            assertThat(window.check(c - 1)).isTrue();
            assertThat(window.check(c - 63)).isFalse();
        }
        // Counters just above and below a word boundary that maps to ring slot 0.
        long boundary = (c / (64L * 256) + 2) * 64L * 256;
        assertThat(window.update(boundary)).isTrue();
        assertThat(window.update(boundary - 1)).isTrue();
        assertThat(window.update(boundary + 1)).isTrue();
        assertThat(window.check(boundary - 64)).isTrue();
        assertThat(window.update(boundary)).isFalse();
    }

    @Test
    void matchesReferenceModelUnderRandomTraffic() {
        Random random = new Random(42);
        ReplayWindow window = new ReplayWindow();
        BitSet seen = new BitSet();
        long greatest = 0;
        int base = 0;
        for (int i = 0; i < 200_000; i++) {
            base += random.nextInt(4);
            int c = Math.max(0, base + random.nextInt(3 * W) - 2 * W);
            boolean expected = !seen.get(c) && (c > greatest || greatest - c < W);
            assertThat(window.check(c)).as("check %d (greatest %d)", c, greatest).isEqualTo(expected);
            assertThat(window.update(c)).isEqualTo(expected);
            if (expected) {
                seen.set(c);
                greatest = Math.max(greatest, c);
            }
        }
    }
}

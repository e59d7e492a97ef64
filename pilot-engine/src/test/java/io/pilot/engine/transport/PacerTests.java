package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacerTests {

    @Test
    void allowsABurstThenReleasesAtOneAndAQuarterWindowsPerRtt() {
        long now = 0;
        Pacer pacer = new Pacer(10, 1000, now);
        long window = 100_000;
        long srtt = 100_000_000; // 100 ms -> 1.25 * 100 kB / 100 ms = 1.25 bytes/us
        for (int i = 0; i < 10; i++) {
            assertThat(pacer.releaseTime(now, 1000, window, srtt)).isEqualTo(now);
            pacer.onPacketSent(now, 1000, window, srtt);
        }
        long release = pacer.releaseTime(now, 1000, window, srtt);
        assertThat(release).isEqualTo(800_000L); // 1000 bytes at 1.25 bytes/us
        pacer.onPacketSent(release, 1000, window, srtt);
        assertThat(pacer.releaseTime(release, 1000, window, srtt)).isEqualTo(release + 800_000L);
    }

    @Test
    void noPacingWithoutRttEstimate() {
        Pacer pacer = new Pacer(1, 1000, 0);
        pacer.onPacketSent(0, 1000, 10_000, 0);
        assertThat(pacer.releaseTime(0, 1000, 10_000, 0)).isZero();
    }
}

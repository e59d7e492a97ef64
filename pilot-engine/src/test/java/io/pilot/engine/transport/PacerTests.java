package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacerTests {

    @Test
    void allowsABurstThenReleasesAtTheRate() {
        long now = 0;
        Pacer pacer = new Pacer(10, 1000, now);
        double rate = 1.25e-3; // bytes per nanosecond: 1.25 bytes/us
        for (int i = 0; i < 10; i++) {
            assertThat(pacer.releaseTime(now, 1000, rate)).isEqualTo(now);
            pacer.onPacketSent(now, 1000, rate);
        }
        long release = pacer.releaseTime(now, 1000, rate);
        assertThat(release).isEqualTo(800_000L); // 1000 bytes at 1.25 bytes/us
        pacer.onPacketSent(release, 1000, rate);
        assertThat(pacer.releaseTime(release, 1000, rate)).isEqualTo(release + 800_000L);
    }

    @Test
    void aBurstIsCountedInPacketsOfTheSizePaced() {
        Pacer pacer = new Pacer(10, 1200, 0); // the base size; the path was then found to carry 16,000-byte packets
        double rate = 1.6e-2; // 16 bytes/us: one large packet per millisecond
        long now = 10_000_000L; // long enough for ten of them to accrue
        for (int i = 0; i < 10; i++) {
            assertThat(pacer.releaseTime(now, 16_000, rate)).as("packet %d of the burst", i).isEqualTo(now);
            pacer.onPacketSent(now, 16_000, rate);
        }
        long release = pacer.releaseTime(now, 16_000, rate);
        assertThat(release).isEqualTo(now + 1_000_000L);
        pacer.onPacketSent(release, 16_000, rate);
        assertThat(pacer.releaseTime(release, 16_000, rate)).isEqualTo(release + 1_000_000L);
    }

    @Test
    void noPacingWithoutARate() {
        Pacer pacer = new Pacer(1, 1000, 0);
        pacer.onPacketSent(0, 1000, 0);
        assertThat(pacer.releaseTime(0, 1000, 0)).isZero();
    }
}

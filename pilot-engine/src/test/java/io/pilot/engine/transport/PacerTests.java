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
    void noPacingWithoutARate() {
        Pacer pacer = new Pacer(1, 1000, 0);
        pacer.onPacketSent(0, 1000, 0);
        assertThat(pacer.releaseTime(0, 1000, 0)).isZero();
    }

    @Test
    void theBurstIsTenPacketsOfThePathsSize() {
        Pacer pacer = new Pacer(10, 1000, 0);
        double rate = 1e-3;
        pacer.packetSize(4000);
        pacer.onPacketSent(40_000_000, 40_000, rate); // the bucket refilled to its new capacity, then emptied
        assertThat(pacer.releaseTime(40_000_000, 4000, rate)).isEqualTo(44_000_000);
        pacer.packetSize(1000); // the bucket shrinks with the size
        assertThat(pacer.releaseTime(40_000_000, 1000, rate)).isEqualTo(41_000_000);
    }
}

package io.pilot.engine.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.Identity;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

class InFlightCountsTests {

    private static final PilotAddress ONE = Identity.generate(new SecureRandom()).publicKey().address(1);
    private static final PilotAddress TWO = Identity.generate(new SecureRandom()).publicKey().address(1);

    private final InFlightCounts counts = new InFlightCounts();

    @Test
    void countsEachProviderUpAndDownAndForgetsItAtZero() {
        counts.started(ONE);
        counts.started(ONE);
        counts.started(TWO);

        assertThat(counts.of(ONE)).isEqualTo(2);
        assertThat(counts.of(TWO)).isEqualTo(1);

        counts.ended(ONE);
        counts.ended(TWO);
        assertThat(counts.of(ONE)).isEqualTo(1);
        assertThat(counts.of(TWO)).isZero();
        assertThat(counts.providers()).isEqualTo(1);

        counts.ended(ONE);
        assertThat(counts.of(ONE)).isZero();
        assertThat(counts.providers()).isZero();

        counts.started(ONE); // a fresh count after the last one was retired
        assertThat(counts.of(ONE)).isEqualTo(1);
    }

    /** Many threads starting and ending at once, the count going to zero and back all the while: nothing is lost. */
    @Test
    void loseNoRequestWhenCountsAreRetiredAndStartedConcurrently() throws Exception {
        int threads = 8;
        int rounds = 20_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < rounds; i++) {
                    counts.started(ONE);
                    counts.ended(ONE);
                }
            });
            worker.start();
            workers.add(worker);
        }
        counts.started(TWO); // held all along: its count stays exact
        go.countDown();
        for (Thread worker : workers) {
            worker.join();
        }

        assertThat(counts.of(ONE)).isZero();
        assertThat(counts.of(TWO)).isEqualTo(1);
        assertThat(counts.providers()).isEqualTo(1);
    }

    /** While requests are held in flight by several threads, the count is exactly how many are held. */
    @Test
    void countsExactlyTheRequestsHeldByManyThreads() throws Exception {
        int threads = 8;
        int held = 1_000;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                for (int i = 0; i < held; i++) {
                    counts.started(ONE);
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        assertThat(counts.of(ONE)).isEqualTo(threads * held);
    }
}

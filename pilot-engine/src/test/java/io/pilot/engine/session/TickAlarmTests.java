package io.pilot.engine.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The key timers' tick comes when something is due and only then, never sooner than a tick after the last one, and
 * not after it was stopped. Real Netty loop, real clock; the assertions bound counts and lower bounds of spacing,
 * which a slow machine cannot break.
 */
class TickAlarmTests {

    private final EventLoop loop = new DefaultEventLoop();
    /** What the alarm asks for: when the next tick is due. */
    private final AtomicLong due = new AtomicLong(Long.MAX_VALUE);
    private final List<Long> ticks = new CopyOnWriteArrayList<>();
    private final TickAlarm alarm = new TickAlarm(loop, due::get, now -> {
        ticks.add(now);
        due.set(Long.MAX_VALUE); // what was due is done
    });

    @AfterEach
    void stopLoop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void update() throws Exception {
        loop.submit(alarm::update).get();
    }

    @Test
    void nothingDueMeansNoTickAndADueTimeBringsOne() throws Exception {
        update();
        Thread.sleep(3 * KeyTimers.TICK_NANOS / 1_000_000);
        assertThat(ticks).as("no tick while nothing is due").isEmpty();

        long asked = System.nanoTime();
        due.set(asked + TimeUnit.MILLISECONDS.toNanos(20));
        update();
        await().atMost(Duration.ofSeconds(10)).until(() -> ticks.size() == 1);
        assertThat(ticks.get(0)).as("not before the due time").isGreaterThanOrEqualTo(asked + TimeUnit.MILLISECONDS.toNanos(20));
        Thread.sleep(3 * KeyTimers.TICK_NANOS / 1_000_000);
        assertThat(ticks).as("the tick found nothing more due and armed nothing").hasSize(1);
    }

    @Test
    void ticksStayATickApartAndAnEarlierDueTimeReplacesALaterOne() throws Exception {
        due.set(System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
        update();
        due.set(System.nanoTime()); // something came forward: due now
        update();
        await().atMost(Duration.ofSeconds(10)).until(() -> ticks.size() == 1);

        due.set(System.nanoTime()); // due again at once
        update();
        await().atMost(Duration.ofSeconds(10)).until(() -> ticks.size() == 2);
        assertThat(ticks.get(1) - ticks.get(0)).as("a tick after the last one at the soonest")
                .isGreaterThanOrEqualTo(KeyTimers.TICK_NANOS);
    }

    @Test
    void aStoppedAlarmNeverTicks() throws Exception {
        due.set(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(30));
        update();
        loop.submit(alarm::stop).get();
        update();
        Thread.sleep(3 * KeyTimers.TICK_NANOS / 1_000_000);
        assertThat(ticks).isEmpty();
        assertThat(alarm.ticks()).isZero();
    }
}

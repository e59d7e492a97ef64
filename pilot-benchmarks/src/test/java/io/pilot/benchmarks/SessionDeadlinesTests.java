package io.pilot.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The generator's timer queue: each session filed at most once, however often it is filed again, taken out in due
 * order, never due again at the instant it ran. Sessions on real loopback sockets, never sending.
 */
class SessionDeadlinesTests {

    private static final long MS = 1_000_000;

    private final List<DatagramChannel> channels = new ArrayList<>();
    private final LightSession.Counters counters = new LightSession.Counters();
    private final SyntheticAgents agents = new SyntheticAgents(1);

    @AfterEach
    void close() throws IOException {
        for (DatagramChannel channel : channels) {
            channel.close();
        }
    }

    private LightSession session() throws IOException {
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress("127.0.0.1", 0));
        channels.add(channel);
        return new LightSession(channel, new InetSocketAddress("127.0.0.1", 9), agents.identity(channels.size()), 1,
                new byte[0], Long.MAX_VALUE, new SecureRandom(), counters);
    }

    @Test
    void aSessionFiledAgainAndAgainIsHeldOnceAtItsLastTime() throws IOException {
        SessionDeadlines deadlines = new SessionDeadlines();
        LightSession a = session();
        for (int i = 0; i < 1_000; i++) {
            deadlines.file(a, 100 * MS + i * MS, 0); // every datagram and timer run files it again
        }

        assertThat(deadlines.size()).isEqualTo(1);
        assertThat(deadlines.earliest()).isEqualTo(1_099 * MS);
        assertThat(deadlines.takeDue(1_098 * MS)).isNull();
        assertThat(deadlines.takeDue(1_099 * MS)).isSameAs(a);
        assertThat(deadlines.takeDue(1_099 * MS)).isNull();
        assertThat(deadlines.size()).isZero();
    }

    @Test
    void dueSessionsComeOutEarliestFirstAndTiesInTheOrderTheyWereMade() throws IOException {
        SessionDeadlines deadlines = new SessionDeadlines();
        LightSession first = session();
        LightSession second = session();
        LightSession third = session();
        deadlines.file(third, 20 * MS, 0);
        deadlines.file(second, 10 * MS, 0);
        deadlines.file(first, 10 * MS, 0);

        assertThat(deadlines.takeDue(30 * MS)).isSameAs(first);
        assertThat(deadlines.takeDue(30 * MS)).isSameAs(second);
        assertThat(deadlines.takeDue(30 * MS)).isSameAs(third);
        assertThat(deadlines.takeDue(30 * MS)).isNull();
    }

    @Test
    void aTimeAlreadyPassedIsMovedOnSoThatTheGeneratorDoesNotSpinAndNoneTakesTheSessionOut() throws IOException {
        SessionDeadlines deadlines = new SessionDeadlines();
        LightSession a = session();
        deadlines.file(a, 5 * MS, 50 * MS);

        assertThat(deadlines.earliest()).isEqualTo(50 * MS + SessionDeadlines.MIN_STEP_NANOS);
        assertThat(deadlines.takeDue(50 * MS)).isNull();

        deadlines.file(a, Long.MAX_VALUE, 50 * MS);
        assertThat(deadlines.size()).isZero();
        assertThat(deadlines.earliest()).isEqualTo(Long.MAX_VALUE);
        assertThat(a.dueNanos).isEqualTo(Long.MAX_VALUE);
    }
}

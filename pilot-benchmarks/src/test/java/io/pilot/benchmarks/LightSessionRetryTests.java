package io.pilot.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.identity.Identity;
import io.pilot.engine.wire.WireFormat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A session whose backbone does not answer retries as a node's {@code DirectoryClient} does: each initiation's INIT
 * five times, 2 s apart, then a wait that doubles per failed initiation up to 30 s, not a new initiation at once. The
 * session is driven on a virtual clock; its INITs really leave its socket, to a loopback socket that answers nothing.
 */
class LightSessionRetryTests {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void anUnansweredSessionBacksOffBetweenInitiationsAsANodeDoes() throws IOException {
        try (DatagramChannel silent = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             DatagramChannel channel = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            silent.configureBlocking(false);
            SyntheticAgents agents = new SyntheticAgents(0);
            Identity identity = agents.identity(1);
            LightSession session = new LightSession(channel, (InetSocketAddress) silent.getLocalAddress(), identity, 0,
                    agents.registerBody(identity, 1, "retry-1", "retry.skill"), Long.MAX_VALUE / 4, new SecureRandom(),
                    new LightSession.Counters());
            long now = SECOND;
            List<Long> inits = new ArrayList<>();
            session.initiate(now);
            drain(silent, inits, now);
            long end = now + 300 * SECOND;
            while (now < end) {
                long next = session.onTimer(now, 30 * SECOND);
                drain(silent, inits, now);
                now = Math.max(now + 1, Math.min(end, next));
            }

            // At once, five INITs every 10 s would be 150 in 300 s; a node's waits (0.5 s doubling to 30 s, equal
            // jitter, after each 10 s initiation) leave fewer than 80, and the session keeps trying throughout.
            assertThat(inits).hasSizeBetween(40, 80);
            assertThat(inits.get(inits.size() - 1)).isGreaterThan(end - 45 * SECOND);
            long longestGap = 0;
            for (int i = 1; i < inits.size(); i++) {
                longestGap = Math.max(longestGap, inits.get(i) - inits.get(i - 1));
            }
            assertThat(longestGap).as("a wait of half the longest retry at least, late in the run").isGreaterThan(15 * SECOND);
        }
    }

    /** Notes the time of each INIT waiting on the silent socket. */
    private static void drain(DatagramChannel silent, List<Long> inits, long now) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(WireFormat.MAX_LARGE_DATAGRAM);
        while (silent.receive(buffer) != null) {
            buffer.flip();
            if (buffer.get(0) == 1) { // HANDSHAKE_INIT
                inits.add(now);
            }
            buffer.clear();
        }
    }
}

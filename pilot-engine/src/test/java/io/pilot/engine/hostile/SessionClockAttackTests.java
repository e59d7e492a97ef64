package io.pilot.engine.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.WireFormat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The session clock under a flood of handshake messages over real sockets on loopback (issue 12, M8): a
 * victim with many established peers is sent INITs from many addresses and forged FINALs and RESPONSEs, at
 * random receiver indexes and at the real ones its peers' DATA carries in clear. The clock visits a peer only
 * when one of its timers is due, so the flood buys no visits and the table is never walked, however many
 * peers the victim has, nor more than one wake-up per tick; a legitimate peer is served throughout.
 */
class SessionClockAttackTests {

    private static final int ESTABLISHED_PEERS = 50;
    private static final int SOURCES = 50;
    private static final long FLOOD_MILLIS = 2000;
    /** The session clock's tick ({@code KeyTimers.TICK_NANOS}): it wakes at most once per this. */
    private static final long KEY_TIMER_TICK_NANOS = 50_000_000L;
    /** Visits the flood may cost at most: a handful, where one walk of the table is {@value #ESTABLISHED_PEERS}. */
    private static final long VISITS_BOUND = 10;

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void aFloodOfHandshakeMessagesBuysNoTimerVisitsWhateverThePeerCount() throws Exception {
        PilotNode victim = nodes.start();
        victim.listen(64, MessageHandler.of(in -> Message.of("served")));
        PilotNode legitimate = nodes.start();
        legitimate.connect(victim.publicKey(), victim.localEndpoint()).get(10, TimeUnit.SECONDS);
        List<HostilePeer> established = new ArrayList<>();
        List<DatagramSocket> sources = new ArrayList<>();
        try {
            for (int i = 0; i < ESTABLISHED_PEERS; i++) {
                established.add(HostilePeer.connect(victim));
            }
            int[] realIndexes = established.stream().mapToInt(HostilePeer::victimIndex).toArray();
            for (int i = 0; i < SOURCES; i++) {
                sources.add(new DatagramSocket(new InetSocketAddress("127.0.0." + (10 + i), 0)));
            }
            assertThat(victim.stats().sessions()).isEqualTo(ESTABLISHED_PEERS + 1);
            long visitsBefore = victim.stats().timerVisits();
            long ticksBefore = victim.stats().timerTicks();
            long floodStart = System.nanoTime();
            long failedBefore = victim.stats().dropped(DropReason.HANDSHAKE_FAILED);

            AtomicBoolean flooding = new AtomicBoolean(true);
            AtomicLong sent = new AtomicLong();
            Thread flood = new Thread(() -> {
                Random random = new Random(41);
                InetSocketAddress target = victim.localEndpoint();
                try {
                    while (flooding.get()) {
                        for (DatagramSocket source : sources) {
                            int real = realIndexes[random.nextInt(realIndexes.length)];
                            for (byte[] datagram : List.of(initiation(random), forgedFinal(random, random.nextInt()),
                                    forgedFinal(random, real), forgedResponse(random, random.nextInt()),
                                    forgedResponse(random, real))) {
                                source.send(new DatagramPacket(datagram, datagram.length, target));
                                sent.incrementAndGet();
                            }
                        }
                        Thread.sleep(50);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            flood.start();
            int served = 0;
            try {
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FLOOD_MILLIS);
                while (System.nanoTime() < end) {
                    assertThat(legitimate.request(new PilotSocketAddress(victim.address(), 64), Message.empty())
                            .get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("served");
                    served++;
                    Thread.sleep(20);
                }
            } finally {
                flooding.set(false);
                flood.join();
            }
            long visits = victim.stats().timerVisits() - visitsBefore;
            long ticks = victim.stats().timerTicks() - ticksBefore;
            long floodNanos = System.nanoTime() - floodStart;

            assertThat(victim.stats().dropped(DropReason.HANDSHAKE_FAILED) - failedBefore)
                    .as("forged FINALs at real indexes reached the handshake and failed there").isPositive();
            assertThat(served).as("the legitimate peer was served during the flood").isPositive();
            assertThat(sent.get()).as("the flood ran").isGreaterThan(SOURCES * 5);
            assertThat(visits).as("timer visits during the flood (one walk of the table is %d)", ESTABLISHED_PEERS + 1)
                    .isLessThanOrEqualTo(VISITS_BOUND);
            // Each INIT adds a half-open responder and each message asks the clock when to wake, but the clock wakes
            // at most once per tick: a flood cannot make it wake more often, only as often as a busy table would.
            assertThat(ticks).as("session clock wake-ups over %d ms of flood", floodNanos / 1_000_000)
                    .isLessThanOrEqualTo(floodNanos / KEY_TIMER_TICK_NANOS + 2);
            assertThat(victim.stats().peers()).as("the flood added no peer").isEqualTo(ESTABLISHED_PEERS + 1);
            assertThat(victim.stats().pendingHandshakes()).as("half-open handshakes stay bounded")
                    .isLessThanOrEqualTo(SessionSettings.DEFAULTS.maxPendingHandshakes());
        } finally {
            sources.forEach(DatagramSocket::close);
            established.forEach(HostilePeer::close);
        }
    }

    private static byte[] initiation(Random random) {
        byte[] ephemeral = new byte[32];
        random.nextBytes(ephemeral);
        return ByteBuffer.allocate(WireFormat.HANDSHAKE_INIT_LENGTH).put(header(WireFormat.TYPE_HANDSHAKE_INIT))
                .putInt(random.nextInt()).put(ephemeral).array();
    }

    /** A FINAL (§3.4) with 172 bytes of noise that will not decrypt. */
    private static byte[] forgedFinal(Random random, int receiverIndex) {
        byte[] noise = new byte[172];
        random.nextBytes(noise);
        return ByteBuffer.allocate(8 + noise.length).put(header(WireFormat.TYPE_HANDSHAKE_FINAL)).putInt(receiverIndex)
                .put(noise).array();
    }

    /** A RESPONSE (§3.3), 216 bytes, with noise that will not decrypt. */
    private static byte[] forgedResponse(Random random, int receiverIndex) {
        byte[] noise = new byte[204];
        random.nextBytes(noise);
        return ByteBuffer.allocate(12 + noise.length).put(header(WireFormat.TYPE_HANDSHAKE_RESPONSE))
                .putInt(random.nextInt()).putInt(receiverIndex).put(noise).array();
    }

    private static byte[] header(int type) {
        return new byte[] {(byte) type, (byte) WireFormat.VERSION, 0, 0};
    }
}

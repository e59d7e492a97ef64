package io.pilot.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.crypto.X25519KeyPair;
import io.pilot.engine.noise.HandshakeState;
import io.pilot.engine.noise.NoiseException;
import io.pilot.engine.wire.CookieReply;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.HandshakeInit;
import io.pilot.engine.wire.HandshakeResponse;
import io.pilot.engine.wire.InboundPacket;
import io.pilot.engine.wire.WireCodec;
import io.pilot.engine.wire.WireFormat;
import io.pilot.engine.wire.WirePacket;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A wave of INITs does not hold up the sessions a node already has ({@link InitBacklog}): real session engines on
 * EmbeddedChannels, datagrams carried by hand, each delivery one read batch. The INITs come from many made-up sources
 * (as after a stall, when thousands of sessions come back at once), each a valid first handshake message.
 */
class InitBacklogTests {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final EmbeddedNode node = new EmbeddedNode("10.0.0.1", real -> real);
    private final EmbeddedNode alice = new EmbeddedNode("10.0.0.2", real -> real);
    private final List<EmbeddedNode> both = List.of(node, alice);
    /** What the node sent to the made-up initiators, decoded, by their endpoint. */
    private final Map<InetSocketAddress, List<WirePacket>> answers = new HashMap<>();

    @BeforeEach
    void aliceHasASessionWithTheNode() {
        alice.connectTo(node);
        EmbeddedNode.settle(both);
        assertThat(node.connectionTo(alice)).isNotNull();
        // The node's clock stands still unless a test moves it: a turn scheduled for later runs only then (an
        // EmbeddedChannel otherwise runs due tasks in every write, where a real loop runs them after its reads).
        node.channel.freezeTime();
    }

    @AfterEach
    void release() {
        for (EmbeddedNode n : both) {
            n.outbox.forEach(DatagramPacket::release);
            n.channel.finishAndReleaseAll();
        }
    }

    @Test
    void theEstablishedSessionsDatagramsAreHandledFirstAndTheInitsAFewATimeBetweenReads() {
        List<InboundPacket> wave = inits(40, 0);
        wave.add(wave.get(3)); // a repeat of an INIT still waiting: answered once
        alice.send(node, "still here");

        // One read batch: the wave first, alice's datagram behind it.
        node.readBatch(wave, alice);

        assertThat(node.received(alice)).as("alice's datagram, read behind 41 INITs, handled in the batch")
                .isEqualTo("still here");
        assertThat(node.pendingTo(alice)).as("and answered with the batch").isPositive();
        collectAnswers();
        assertThat(responses()).as("no INIT answered inside the batch").isZero();
        assertThat(node.engine.initsWaiting()).isEqualTo(40);

        assertThat(runTurn()).as("one turn after the batch").isEqualTo(AnswerTurn.INITS_PER_TURN);
        int turns = 1 + runTurns();

        assertThat(turns).as("all in turns of their own, one per look at the socket")
                .isEqualTo(40 / AnswerTurn.INITS_PER_TURN);
        assertThat(responses()).isEqualTo(40);
        assertThat(answers).allSatisfy((source, sent) -> assertThat(sent).as("to %s", source).hasSize(1)
                .allSatisfy(packet -> assertThat(packet).isInstanceOf(HandshakeResponse.class)));
        assertThat(node.drops.snapshot()).doesNotContainKeys(DropReason.COOKIE_REQUIRED, DropReason.INIT_BACKLOG_FULL);
    }

    @Test
    void aCrowdedBacklogsTurnGoesOnWhileItHasTimeLeft() {
        int crowded = InitBacklog.CAPACITY / Responders.SHARE_DIVISOR;
        node.readBatch(inits(crowded, 0));
        collectAnswers();
        assertThat(node.engine.initsWaiting()).isEqualTo(crowded);

        // The loop's clock moved 5 ms since the first INIT began to wait, and stands still while the turn answers:
        // the turn never uses up its time, so it answers every INIT waiting, where an uncrowded one answers 8 (above).
        node.channel.advanceTimeBy(5, TimeUnit.MILLISECONDS);
        node.channel.runScheduledPendingTasks();
        assertThat(node.engine.initsWaiting()).isZero();
        collectAnswers();
        assertThat(responses()).isEqualTo(crowded);
    }

    @Test
    void aLongBacklogAsksForCookiesAndAFullOneRefusesBeforeAnyWork() {
        int crowded = InitBacklog.CAPACITY / Responders.SHARE_DIVISOR;
        // Enough that the initiators asked for a cookie overfill the backlog even after a crowded turn emptied it.
        List<InboundPacket> first = inits(2 * InitBacklog.CAPACITY, 0);

        node.readBatch(first);
        collectAnswers();

        // An eighth of the backlog waiting puts the node under load: from then on only INITs with a cookie get in.
        assertThat(node.drops.snapshot().get(DropReason.COOKIE_REQUIRED)).isEqualTo(first.size() - crowded);
        assertThat(node.engine.initsWaiting()).isEqualTo(crowded);
        runTurn();

        // Every initiator that was asked comes back with its cookie, all in one batch: they fill the backlog, and
        // the rest are refused without any work.
        List<InboundPacket> cookied = new ArrayList<>();
        for (InboundPacket init : first) {
            CookieReply cookie = (CookieReply) answers.getOrDefault(init.sender(), List.of()).stream()
                    .filter(CookieReply.class::isInstance).findFirst().orElse(null);
            if (cookie != null) {
                HandshakeInit original = (HandshakeInit) init.packet();
                cookied.add(new InboundPacket(new HandshakeInit(original.senderIndex(), original.noiseMessage(),
                        cookie.cookie()), init.sender()));
            }
        }
        int room = InitBacklog.CAPACITY - node.engine.initsWaiting();
        node.readBatch(cookied);
        runTurns();
        collectAnswers();

        assertThat(node.drops.snapshot().get(DropReason.INIT_BACKLOG_FULL)).isEqualTo(cookied.size() - room);
        assertThat(responses()).isEqualTo(crowded + room);
        assertThat(node.engine.initsWaiting()).isZero();
        // The session the node had is untouched by all of it.
        alice.send(node, "after the wave");
        EmbeddedNode.settle(both);
        assertThat(node.received(alice)).isEqualTo("after the wave");
    }

    @Test
    void aNodeClosingWithInitsWaitingAnswersNoneAndTakesNoMore() {
        node.readBatch(inits(20, 0));
        assertThat(node.engine.initsWaiting()).isEqualTo(20);

        node.engine.close();
        node.readBatch(inits(5, 100));
        runTurn();
        collectAnswers();

        assertThat(node.engine.initsWaiting()).isZero();
        assertThat(node.engine.pendingHandshakes()).isZero();
        assertThat(answers).as("nothing sent to any initiator").isEmpty();
    }

    /** {@code count} valid INITs, each from a made-up source of its own. */
    private static List<InboundPacket> inits(int count, int firstSource) {
        List<InboundPacket> inits = new ArrayList<>();
        for (int i = firstSource; i < firstSource + count; i++) {
            HandshakeState noise = new HandshakeState(true, WireFormat.PROLOGUE, X25519KeyPair.generate(RANDOM));
            byte[] message;
            try {
                message = noise.writeMessage(new byte[0]);
            } catch (NoiseException e) {
                throw new IllegalStateException(e);
            }
            InetSocketAddress source = new InetSocketAddress("10.9." + (i / 250) + "." + (1 + i % 250), 5000);
            inits.add(new InboundPacket(new HandshakeInit(RANDOM.nextInt(), message, new byte[WireFormat.COOKIE_LENGTH]),
                    source));
        }
        return inits;
    }

    /** Lets the node's clock move on so that one scheduled turn runs; returns how many INITs it answered. */
    private int runTurn() {
        int before = node.engine.initsWaiting();
        node.channel.advanceTimeBy(1, TimeUnit.NANOSECONDS);
        node.channel.runScheduledPendingTasks();
        return before - node.engine.initsWaiting();
    }

    /**
     * Runs the node's scheduled turns until no INIT waits, each answering at most a turn's (8, or while the backlog is
     * crowded as many as its time share allows, at least 8); returns how many ran.
     */
    private int runTurns() {
        int turns = 0;
        while (node.engine.initsWaiting() > 0) {
            boolean crowded = node.engine.initsWaiting() >= InitBacklog.CAPACITY / Responders.SHARE_DIVISOR;
            int waiting = node.engine.initsWaiting();
            int answered = runTurn();
            assertThat(answered).as("INITs answered by turn %d", turns + 1)
                    .isGreaterThanOrEqualTo(Math.min(waiting, crowded ? AnswerTurn.INITS_PER_TURN : 1));
            if (!crowded) {
                assertThat(answered).as("INITs answered by turn %d", turns + 1).isLessThanOrEqualTo(AnswerTurn.INITS_PER_TURN);
            }
            turns++;
        }
        collectAnswers();
        return turns;
    }

    /** Moves what the node sent to anyone but alice into {@link #answers}, decoded. */
    private void collectAnswers() {
        node.pendingTo(alice); // drains the channel into the outbox
        node.outbox.removeIf(datagram -> {
            if (datagram.recipient().equals(alice.endpoint)) {
                return false;
            }
            try {
                answers.computeIfAbsent(datagram.recipient(), a -> new ArrayList<>())
                        .add(WireCodec.decode(datagram.content()).packet());
            } finally {
                datagram.release();
            }
            return true;
        });
    }

    private long responses() {
        return answers.values().stream().flatMap(List::stream).filter(HandshakeResponse.class::isInstance).count();
    }
}

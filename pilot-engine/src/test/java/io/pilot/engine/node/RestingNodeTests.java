package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.session.SessionSettings;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nodes at rest are not woken by their session timers: with a session established and nothing due for minutes
 * (keys young, each peer heard from), the session clock does not tick, where a tick every 50 ms woke every node
 * twenty times a second whatever it held. That the timers still fire when something is due (retransmitted
 * handshakes, rekeys, idle peers forgotten) the tests of those show. Two real nodes on loopback.
 */
class RestingNodeTests {

    /** A second of rest: twenty ticks at the old fixed rate. */
    private static final long REST_MILLIS = 1_000;

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    /** b serves pong on port 80; a connects and asks once: a session both ways. Returns b's service. */
    private static PilotSocketAddress askedOnce(PilotNode a, PilotNode b) {
        b.listen(80, MessageHandler.of(in -> Message.of("pong")));
        a.connect(b.publicKey(), b.localEndpoint()).join();
        PilotSocketAddress service = new PilotSocketAddress(b.address(), 80);
        assertThat(a.request(service, Message.empty()).join().bodyAsString()).isEqualTo("pong");
        return service;
    }

    @Test
    void anEstablishedPairAtRestIsNotWokenByItsSessionTimers() throws Exception {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        askedOnce(a, b);
        Thread.sleep(200); // the handshake's own timers (the confirmation of the new keys) settle

        long aBefore = a.stats().timerTicks();
        long bBefore = b.stats().timerTicks();
        Thread.sleep(REST_MILLIS);
        long aTicks = a.stats().timerTicks() - aBefore;
        long bTicks = b.stats().timerTicks() - bBefore;

        assertThat(a.stats().sessions()).isEqualTo(1);
        assertThat(b.stats().sessions()).isEqualTo(1);
        assertThat(aTicks).as("the initiator's ticks over %d ms at rest", REST_MILLIS).isLessThanOrEqualTo(1);
        assertThat(bTicks).as("the responder's ticks over %d ms at rest", REST_MILLIS).isLessThanOrEqualTo(1);
    }

    @Test
    void aPeerSentToAfterAQuietSpellLongerThanStaleAfterIsNotRehandshaken() throws Exception {
        Duration staleAfter = Duration.ofMillis(300);
        PilotNode a = nodes.start(x -> x.sessionSettings(SessionSettings.DEFAULTS.withStaleAfter(staleAfter)));
        PilotNode b = nodes.start();
        PilotSocketAddress service = askedOnce(a, b);
        long handshakes = a.stats().handshakesCompleted();

        for (int quietSpell = 0; quietSpell < 3; quietSpell++) {
            Thread.sleep(2 * staleAfter.toMillis()); // nothing either way
            assertThat(a.request(service, Message.empty()).join().bodyAsString()).isEqualTo("pong");
        }
        Thread.sleep(2 * staleAfter.toMillis()); // a rekey the sends had started would have completed by now

        assertThat(a.stats().handshakesCompleted()).as("handshakes after three quiet spells, each ended by a request")
                .isEqualTo(handshakes);
    }
}

package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.wire.DropReason;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Who may hold a session with whom, enforced at the tunnel on both sides of the handshake. */
class AccessTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    private static final SessionSettings QUICK = SessionSettings.DEFAULTS.withConnectTimeout(Duration.ofSeconds(1));

    @Test
    void aResponderThatRefusesTheInitiatorNeverConfirmsAndTheInitiatorSaysWhy() {
        PilotNode a = nodes.start(x -> x.sessionSettings(QUICK));
        PilotNode b = nodes.start(x -> x.accessPolicy((key, address) -> !address.equals(a.address())));
        assertThatThrownBy(() -> a.connect(b.publicKey(), b.localEndpoint()).join())
                .isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(PilotException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNREACHABLE))
                .hasMessageContaining("did not confirm the session").hasMessageContaining("may refuse this node");
        assertThat(b.stats().dropped(DropReason.NOT_ALLOWED)).isPositive();
        assertThat(b.stats().sessions()).isZero();
        // Another node is welcome.
        PilotNode c = nodes.start();
        assertThat(c.connect(b.publicKey(), b.localEndpoint()).join().established()).isTrue();
    }

    @Test
    void anInitiatorRefusesAResponderItsPolicyExcludes() {
        PilotNode b = nodes.start();
        PilotNode a = nodes.start(x -> x.accessPolicy((key, address) -> !key.equals(b.publicKey())));
        assertThatThrownBy(() -> a.connect(b.publicKey(), b.localEndpoint()).join())
                .cause().hasMessageContaining("access policy refuses " + b.address());
        assertThat(a.stats().dropped(DropReason.NOT_ALLOWED)).isEqualTo(1);
    }

    @Test
    void nodesOfDifferentRealmsHoldNoSession() {
        PilotNode a = nodes.start(x -> x.realm(0));
        PilotNode b = nodes.start(x -> x.realm(1));
        assertThat(b.address().realm()).isEqualTo(1);
        assertThatThrownBy(() -> a.connect(b.publicKey(), b.localEndpoint()).join())
                .cause().hasMessageContaining("peer is in realm 1, this node in 0");
        assertThat(a.stats().dropped(DropReason.WRONG_REALM)).isEqualTo(1);
    }

    @Test
    void aSideThatLostItsConnectionStartsAFreshOneOnBothSides() throws Exception {
        // a forgets the connection after 300 ms of silence; b would keep its side for a minute.
        PilotNode a = nodes.start(x -> x.transportConfig(TransportConfig.builder()
                .idleTimeout(Duration.ofMillis(300)).keepaliveInterval(Duration.ofSeconds(30)).build()));
        PilotNode b = nodes.start();
        b.listen(80, MessageHandler.of(in -> Message.of("pong")));
        a.connect(b.publicKey(), b.localEndpoint()).join();
        PilotSocketAddress service = new PilotSocketAddress(b.address(), 80);
        assertThat(a.request(service, Message.empty()).join().bodyAsString()).isEqualTo("pong");
        org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS)
                .until(() -> !a.peer(b.address()).orElseThrow().established());

        // Without telling b, a's new connection would start at packet number 0 and b would drop it as old.
        assertThat(a.request(service, Message.empty(), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS).bodyAsString())
                .isEqualTo("pong");
    }
}

package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.UdpForwarder;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;

import java.time.Duration;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A peer that dies without a word (its process killed): requests to it fail fast instead of timing out. */
class DeadPeerTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void aRequestToAPeerThatDiedFailsWithConnectionLostBeforeItsTimeout() throws Exception {
        PilotNode a = nodes.start(b -> b.requestTimeout(Duration.ofSeconds(60)));
        PilotNode b = nodes.start();
        b.listen(100, MessageHandler.of(in -> Message.of("ok")));
        // A and B know each other only through the forwarder: closing it silences B for good.
        UdpForwarder link = new UdpForwarder(b.localEndpoint());
        a.connect(b.publicKey(), link.address()).join();
        assertThat(a.request(new PilotSocketAddress(b.address(), 100), Message.of("x")).join().bodyAsString()).isEqualTo("ok");

        // B vanishes without a word: no CLOSE goes out, as when its process is killed.
        link.close();

        // CONNECTION_LOST, not TIMEOUT: the unresponsive timeout (10 s) closed the connection long before the
        // request's own 60 s were up.
        assertThatThrownBy(() -> a.request(new PilotSocketAddress(b.address(), 100), Message.of("y")).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(PilotException.class)
                .satisfies(e -> assertThat(((PilotException) e.getCause()).code()).isEqualTo(ErrorCode.CONNECTION_LOST));
    }
}

package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PeerContact;
import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Nodes whose sockets serve different address families, on real loopback sockets: a node bound to an
 * IPv4 address skips a peer's IPv6 candidates, and a candidate its socket refuses fails alone, never as an
 * unexpected error of the node's channel.
 */
@Isolated // swaps System.err to read what the engine logs: no other class may log meanwhile
class AddressFamilyTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void anIpv4BoundNodeSkipsIpv6CandidatesAndASendItsSocketRefusesIsNoChannelError() {
        PilotNode ipv4 = nodes.start();
        PilotNode dualStack = nodes.start(b -> b.bindAddress("::", 0));
        dualStack.listen(100, MessageHandler.of(in -> Message.of("got " + in.message().bodyAsString())));
        int port = dualStack.localEndpoint().getPort();
        assertThat(HostPort.format(dualStack.localEndpoint())).isEqualTo("[::]:" + port);

        String logged = stderrDuring(() -> {
            // ::1 is another family for this socket; sending to broadcast without SO_BROADCAST is refused (EACCES).
            PeerInfo peer = ipv4.connect(new PeerContact(dualStack.publicKey(), List.of(HostPort.parse("[::1]:" + port),
                    HostPort.parse("255.255.255.255:" + port), HostPort.parse("127.0.0.1:" + port)))).join();
            assertThat(peer.endpoint()).isEqualTo(HostPort.parse("127.0.0.1:" + port));
            assertThat(ipv4.request(new PilotSocketAddress(dualStack.address(), 100), Message.of("x")).join().bodyAsString())
                    .isEqualTo("got x");
        });
        assertThat(logged).doesNotContain("unexpected error").doesNotContain("Address family not supported")
                .doesNotContain("Permission denied");
    }

    @Test
    void onlyUnreachableCandidatesFailAtOnceSayingWhy() {
        PilotNode ipv4 = nodes.start();
        PilotNode ipv6 = nodes.start(b -> b.bindAddress("::1", 0));
        InetSocketAddress v6Endpoint = ipv6.localEndpoint();

        String logged = stderrDuring(() -> {
            PilotException byKey = RequestReplyTests.failure(ipv4.connect(ipv6.publicKey(), v6Endpoint));
            assertThat(byKey.code()).isEqualTo(ErrorCode.UNREACHABLE);
            assertThat(byKey.getMessage()).contains("no known endpoint");

            PilotException byEndpoint = RequestReplyTests.failure(ipv4.connect(v6Endpoint));
            assertThat(byEndpoint.code()).isEqualTo(ErrorCode.UNREACHABLE);
            assertThat(byEndpoint.getMessage()).contains("bound to 127.0.0.1:" + ipv4.localEndpoint().getPort())
                    .contains("cannot send to IPv6 " + HostPort.format(v6Endpoint)).contains("bind to [::]");
            // And the other way round: an IPv6-only socket cannot send to IPv4.
            PilotException back = RequestReplyTests.failure(ipv6.connect(ipv4.localEndpoint()));
            assertThat(back.getMessage()).contains("cannot send to IPv4 127.0.0.1:");
        });
        assertThat(logged).doesNotContain("unexpected error");
    }

    @Test
    void ipv6NodesTalkOverIpv6Loopback() {
        PilotNode a = nodes.start(b -> b.bindAddress("::1", 0));
        PilotNode b = nodes.start(builder -> builder.bindAddress("::1", 0));
        b.listen(100, MessageHandler.of(in -> Message.of("b got " + in.message().bodyAsString())));

        PeerInfo peer = a.connect(b.publicKey(), HostPort.parse(HostPort.format(b.localEndpoint()))).join();
        assertThat(HostPort.format(peer.endpoint())).isEqualTo("[::1]:" + b.localEndpoint().getPort());
        assertThat(peer.toString()).contains("[::1]:" + b.localEndpoint().getPort());
        assertThat(a.ping(b.address()).join()).isPositive();
        assertThat(a.request(new PilotSocketAddress(b.address(), 100), Message.of("hi")).join().bodyAsString()).isEqualTo("b got hi");
    }

    /** What the node logged while {@code action} ran (the test logger writes to System.err). */
    private static String stderrDuring(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text);
        return text;
    }
}

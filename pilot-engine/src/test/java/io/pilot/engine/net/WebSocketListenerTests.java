package io.pilot.engine.net;

import io.pilot.engine.PilotNode;
import io.pilot.engine.wire.WireFormat;
import io.pilot.engine.TestNodes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bad input on the backbone's TCP listener, over raw sockets: each refused or timed out, counted and bounded,
 * and the backbone keeps serving UDP and WebSocket clients afterwards.
 */
class WebSocketListenerTests {

    private static final String UPGRADE = "GET /pilot HTTP/1.1\r\nHost: backbone\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void aRequestThatIsNotAnUpgradeIsAnswered426AndClosed() throws Exception {
        PilotNode backbone = nodes.start();
        InetSocketAddress tcp = listen(backbone, 16);

        String answer = exchange(tcp, "GET / HTTP/1.1\r\nHost: backbone\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(answer).startsWith("HTTP/1.1 426");
        assertThat(answer).containsIgnoringCase("upgrade: websocket");
        assertThat(backbone.bearers().listener().notUpgrade()).isEqualTo(1);
    }

    @Test
    void aGetAtThePilotPathWithoutUpgradeIsAnswered400AndClosed() throws Exception {
        PilotNode backbone = nodes.start();
        InetSocketAddress tcp = listen(backbone, 16);

        String answer = exchange(tcp, "GET /pilot HTTP/1.1\r\nHost: backbone\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(backbone.bearers().listener().notUpgrade()).isEqualTo(1);
    }

    @Test
    void headersPastTheLimitAreRefused() throws Exception {
        PilotNode backbone = nodes.start();
        InetSocketAddress tcp = listen(backbone, 16);

        String answer = exchange(tcp, ("GET / HTTP/1.1\r\nX-Padding: " + "a".repeat(20_000) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));

        assertThat(answer).matches("(?s)HTTP/1.1 4\\d\\d.*");
    }

    @Test
    void aTextFrameAFragmentedPingAndAnOversizedFrameEachCloseTheConnection() throws Exception {
        PilotNode backbone = nodes.start();
        InetSocketAddress tcp = listen(backbone, 16);

        assertClosedAfter(tcp, frame(0x81, new byte[] {'h', 'i'}));                   // text
        assertClosedAfter(tcp, frame(0x09, new byte[] {1}));                           // ping without FIN
        assertClosedAfter(tcp, frame(0x82, new byte[70_000]));                         // past the largest datagram
        assertClosedAfter(tcp, new byte[] {(byte) 0x8F, (byte) 0x80, 0, 0, 0, 0});      // reserved opcode

        await().atMost(Duration.ofSeconds(5)).until(() -> backbone.bearers().listener().badFrames() >= 4);
        assertThat(backbone.bearers().listener().upgraded()).isEqualTo(4);
        assertThat(backbone.bearers().listener().datagramsIn()).isZero();
    }

    @Test
    void aSlowlorisConnectionIsClosedAtTheHandshakeTimeout() throws Exception {
        PilotNode backbone = nodes.start();
        InetSocketAddress tcp = listen(backbone, 16);
        try (Socket socket = new Socket(tcp.getAddress(), tcp.getPort())) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write("GET /pilot HTTP/1.1\r\nHost: b".getBytes(StandardCharsets.US_ASCII));

            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(backbone.bearers().listener().handshakeTimeouts()).isEqualTo(1);
    }

    @Test
    void connectionsPastTheLimitAreClosedAndTheBackboneServesOn() throws Exception {
        PilotNode backbone = nodes.start(b -> b.answerStun(true));
        InetSocketAddress tcp = listen(backbone, 8);
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                idle.add(new Socket(tcp.getAddress(), tcp.getPort()));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> backbone.bearers().listener().overCapacity() == 32);
            assertThat(backbone.bearers().listener().open()).isEqualTo(8);

            PilotNode udpClient = nodes.start();
            udpClient.connect(backbone.publicKey(), backbone.localEndpoint()).get(10, TimeUnit.SECONDS);
            assertThat(udpClient.ping(backbone.address()).get(10, TimeUnit.SECONDS)).isPositive();
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> backbone.bearers().listener().open() == 0);
        String answer = exchange(tcp, UPGRADE.getBytes(StandardCharsets.US_ASCII));
        assertThat(answer).startsWith("HTTP/1.1 101");
    }

    @Test
    void theUpgradeAnswerSaysHowLargeADatagramTheBackboneTakesInOneFrame() throws Exception {
        PilotNode backbone = nodes.start();
        InetSocketAddress tcp = listen(backbone, 16);

        String answer = exchange(tcp, UPGRADE.getBytes(StandardCharsets.US_ASCII));

        assertThat(answer).startsWith("HTTP/1.1 101").containsIgnoringCase(
                StreamDatagramSize.HEADER + ": " + WireFormat.MAX_LARGE_DATAGRAM + "\r\n");
    }

    private static InetSocketAddress listen(PilotNode backbone, int maxConnections) {
        return backbone.listenWebSocket(List.of(new InetSocketAddress("127.0.0.1", 0)), null, maxConnections).get(0);
    }

    /** Upgrades, sends {@code bytes} and expects the listener to close the connection. */
    private static void assertClosedAfter(InetSocketAddress tcp, byte[] bytes) throws IOException {
        try (Socket socket = new Socket(tcp.getAddress(), tcp.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(UPGRADE.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertThat(readHeaders(in)).startsWith("HTTP/1.1 101");
            try {
                out.write(bytes);
            } catch (IOException closedWhileWriting) {
                return;
            }
            assertThat(drainToEnd(in)).isTrue();
        }
    }

    /** A client frame, masked with a zero key so the payload reads as is. */
    private static byte[] frame(int firstByte, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(firstByte);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >> shift));
            }
        }
        frame.writeBytes(new byte[4]);
        frame.writeBytes(payload);
        return frame.toByteArray();
    }

    private static String exchange(InetSocketAddress tcp, byte[] request) throws IOException {
        try (Socket socket = new Socket(tcp.getAddress(), tcp.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            return readHeaders(socket.getInputStream());
        }
    }

    private static String readHeaders(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            text.append((char) b);
            if (text.toString().endsWith("\r\n\r\n")) {
                break;
            }
        }
        return text.toString();
    }

    /** Reads until the peer closes; true if it did (a reset counts as closed). */
    private static boolean drainToEnd(InputStream in) {
        try {
            while (in.read() != -1) {
                // the close frame, if any
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}

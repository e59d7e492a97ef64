package io.pilot.engine.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.pilot.engine.PilotNode;
import io.pilot.engine.control.ControlCommands;
import io.pilot.engine.control.ControlServer;
import io.pilot.engine.identity.Identity;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Whatever a local client writes to a node's control socket, over the real socket: the server answers with
 * lines of JSON ending in one final line, {@code ok} or {@code error} with a code (nothing at all to a client
 * that sent nothing), and never with
 * {@code INTERNAL} (its word for an exception it did not expect). Commands wait at most 100 ms for peers.
 */
@Timeout(10)
class ControlRequestFuzzTests {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path directory;
    private static PilotNode node;
    private static ControlServer server;

    @BeforeAll
    static void startServer() throws IOException {
        directory = ScratchDirectory.create("pilot-control-fuzz");
        node = PilotNode.builder().identity(Identity.fromSeed(SeedCorpus.seedBytes(2))).bindAddress("127.0.0.1", 0)
                .build().start();
        ControlCommands commands = ControlCommands.builder(node).timeout(Duration.ofMillis(100)).onStop(() -> { })
                .build();
        server = ControlServer.start(directory.resolve("run/c.sock"), commands, Duration.ofSeconds(2));
    }

    @AfterAll
    static void stopServer() throws IOException {
        server.close();
        node.close();
        ScratchDirectory.delete(directory);
    }

    @FuzzTest
    void requestLine(byte[] bytes) throws IOException {
        List<String> lines = exchange(bytes);
        if (bytes.length == 0) {
            // A client that hangs up without a byte gets no answer.
            assertThat(lines).isEmpty();
            return;
        }
        assertThat(lines).isNotEmpty();
        JsonNode last = JSON.readTree(lines.get(lines.size() - 1));
        String status = last.path("status").asString();
        assertThat(status).isIn("ok", "error");
        if (status.equals("error")) {
            assertThat(last.path("code").asString()).isNotEqualTo("INTERNAL").isNotEmpty();
        }
    }

    /** Sends the bytes, closes the sending side (the end of the request), reads every line of the answer. */
    private static List<String> exchange(byte[] bytes) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(server.socketPath()));
            ByteBuffer out = ByteBuffer.wrap(bytes);
            try {
                while (out.hasRemaining()) {
                    channel.write(out);
                }
                channel.shutdownOutput();
            } catch (IOException e) {
                // The server refused the request before reading it all and hung up: its answer is still there.
            }
            ByteBuffer in = ByteBuffer.allocate(1 << 16);
            StringBuilder answer = new StringBuilder();
            while (channel.read(in) >= 0) {
                if (!in.hasRemaining()) {
                    answer.append(StandardCharsets.UTF_8.decode(in.flip()));
                    in.clear();
                }
            }
            answer.append(StandardCharsets.UTF_8.decode(in.flip()));
            return answer.toString().lines().toList();
        }
    }
}

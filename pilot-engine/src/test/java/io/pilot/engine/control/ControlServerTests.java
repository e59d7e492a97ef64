package io.pilot.engine.control;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The socket itself: who may use it, who holds it, and what it does with input it cannot use. */
class ControlServerTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @RegisterExtension
    final ShortTempDir temp = new ShortTempDir();

    private ControlServer server;

    @AfterEach
    void closeServer() {
        if (server != null) {
            server.close();
        }
    }

    private Path start(Duration readTimeout) {
        PilotNode node = nodes.start();
        server = ControlServer.start(temp.dir().resolve("run/n.sock"), ControlCommands.builder(node).build(), readTimeout);
        return server.socketPath();
    }

    private Path start() {
        return start(ControlServer.DEFAULT_READ_TIMEOUT);
    }

    @Test
    void socketIsReadableOnlyByItsUserInAPrivateDirectory() throws IOException {
        Path socket = start();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
        assertThat(ControlClient.last(socket, "{\"command\":\"status\"}").path("status").stringValue()).isEqualTo("ok");
    }

    @Test
    void closingRemovesTheSocketFile() {
        Path socket = start();

        server.close();

        assertThat(socket).doesNotExist();
    }

    @Test
    void staleSocketOfADeadProcessIsReplaced() throws IOException {
        Path socket = temp.dir().resolve("n.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();

        server = ControlServer.start(socket, ControlCommands.builder(nodes.start()).build());

        assertThat(ControlClient.last(socket, "{\"command\":\"status\"}").path("status").stringValue()).isEqualTo("ok");
    }

    @Test
    void socketOfALiveNodeIsNotTaken() {
        Path socket = start();
        ControlCommands other = ControlCommands.builder(nodes.start()).build();

        assertThatThrownBy(() -> ControlServer.start(socket, other))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(socket.toString())
                .hasMessageContaining("another running node");
        assertThat(ControlClient.last(socket, "{\"command\":\"status\"}").path("status").stringValue()).isEqualTo("ok");
    }

    @Test
    void aFileThatIsNotASocketIsLeftAlone() throws IOException {
        Path file = Files.writeString(temp.dir().resolve("n.sock"), "precious");

        assertThatThrownBy(() -> ControlServer.start(file, ControlCommands.builder(nodes.start()).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not a socket");
        assertThat(file).hasContent("precious");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "garbage               | not json at all                                   | BAD_REQUEST",
            "array                 | [1,2,3]                                           | BAD_REQUEST",
            "no command            | {\"args\":{}}                                     | BAD_REQUEST",
            "command not a string  | {\"command\":7}                                   | BAD_REQUEST",
            "args not an object    | {\"command\":\"ping\",\"args\":[]}                | BAD_REQUEST",
            "unknown command       | {\"command\":\"launch\"}                          | UNKNOWN_COMMAND",
            "missing argument      | {\"command\":\"ping\",\"args\":{}}                | BAD_REQUEST",
            "wrong type            | {\"command\":\"ping\",\"args\":{\"target\":12}}   | BAD_REQUEST",
            "count not an integer  | {\"command\":\"ping\",\"args\":{\"target\":\"0:0000.0000.0001\",\"count\":\"x\"}} | BAD_REQUEST",
            "count out of range    | {\"command\":\"ping\",\"args\":{\"target\":\"0:0000.0000.0001\",\"count\":-1}} | BAD_REQUEST",
            "bad address           | {\"command\":\"ping\",\"args\":{\"target\":\"9:zz\"}} | BAD_REQUEST",
            "hostname, no backbone | {\"command\":\"ping\",\"args\":{\"target\":\"alpha\"}} | UNAVAILABLE",
            "find without backbone | {\"command\":\"find\",\"args\":{\"hostname\":\"alpha\"}} | UNAVAILABLE",
            "stop without callback | {\"command\":\"stop\"}                             | UNAVAILABLE",
    })
    void badRequestsAreAnsweredAndTheServerKeepsServing(String name, String request, String code) {
        Path socket = start();

        List<JsonNode> answer = ControlClient.call(socket, request);

        assertThat(answer).hasSize(1);
        assertError(answer.get(0), code);
        assertThat(ControlClient.last(socket, "{\"command\":\"status\"}").path("status").stringValue()).isEqualTo("ok");
    }

    @Test
    void aLineOverTheLimitIsRefused() {
        Path socket = start();
        byte[] huge = new byte[ControlServer.MAX_REQUEST_BYTES + 1000];
        Arrays.fill(huge, (byte) 'x');

        List<JsonNode> answer = ControlClient.send(socket, huge);

        assertThat(answer).hasSize(1);
        assertError(answer.get(0), "TOO_LARGE");
        assertThat(ControlClient.last(socket, "{\"command\":\"status\"}").path("status").stringValue()).isEqualTo("ok");
    }

    @Test
    void textThatIsNotUtf8IsRefused() {
        Path socket = start();

        List<JsonNode> answer = ControlClient.send(socket, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}', '\n'});

        assertError(answer.get(0), "BAD_REQUEST");
    }

    @Test
    void halfALineThenSilenceTimesOut() {
        Path socket = start(Duration.ofMillis(200));

        List<JsonNode> answer = ControlClient.send(socket, "{\"command\":\"sta".getBytes(StandardCharsets.UTF_8));

        assertThat(answer).hasSize(1);
        assertError(answer.get(0), "TIMEOUT");
        assertThat(ControlClient.last(socket, "{\"command\":\"status\"}").path("status").stringValue()).isEqualTo("ok");
    }

    @Test
    void concurrentClientsAreAllAnswered() {
        Path socket = start();
        ExecutorService clients = Executors.newFixedThreadPool(12);
        try {
            List<CompletableFuture<JsonNode>> answers = IntStream.range(0, 48)
                    .mapToObj(i -> CompletableFuture.supplyAsync(
                            () -> ControlClient.last(socket, "{\"command\":\"info\"}"), clients))
                    .toList();

            for (CompletableFuture<JsonNode> answer : answers) {
                JsonNode line = answer.join();
                assertThat(line.path("status").stringValue()).isIn("ok", "error");
                if (line.path("status").stringValue().equals("error")) {
                    assertError(line, "BUSY");
                }
            }
            assertThat(answers).anySatisfy(a -> assertThat(a.join().path("status").stringValue()).isEqualTo("ok"));
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void stopRunsTheOwnersCallbackWhichMayCloseTheServer() {
        AtomicBoolean stopped = new AtomicBoolean();
        Path socket = temp.dir().resolve("n.sock");
        ControlCommands commands = ControlCommands.builder(nodes.start()).onStop(() -> {
            stopped.set(true);
            server.close();
        }).build();
        server = ControlServer.start(socket, commands);

        JsonNode answer = ControlClient.last(socket, "{\"command\":\"stop\"}");

        assertThat(answer.path("status").stringValue()).isEqualTo("ok");
        assertThat(stopped).isTrue();
        assertThat(socket).doesNotExist();
    }

    static void assertError(JsonNode line, String code) {
        assertThat(line.path("status").stringValue()).as(line.toString()).isEqualTo("error");
        assertThat(line.path("code").stringValue()).as(line.toString()).isEqualTo(code);
        assertThat(line.path("message").stringValue()).isNotBlank();
        assertThat(line.path("hint").stringValue()).isEqualTo(ControlError.valueOf(code).hint());
    }
}

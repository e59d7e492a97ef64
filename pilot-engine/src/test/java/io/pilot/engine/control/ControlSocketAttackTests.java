package io.pilot.engine.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pilot.engine.TestNodes;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import tools.jackson.databind.JsonNode;

/**
 * Another local user, or one of the user's own processes gone wrong, against the control socket: a run
 * directory others could tamper with is refused, a peer of another user is refused, and neither clients that
 * connect and send nothing nor clients that start streams without end keep the others from being served.
 */
class ControlSocketAttackTests {

    private static final String PYTHON = "/usr/bin/python3";

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @RegisterExtension
    final ShortTempDir temp = new ShortTempDir();

    private ControlServer server;
    private final List<SocketChannel> idle = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (SocketChannel channel : idle) {
            channel.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void clientsThatConnectAndSendNothingDoNotKeepOthersFromBeingServed() throws IOException {
        server = ControlServer.start(temp.dir().resolve("run/n.sock"), ControlCommands.builder(nodes.start()).build());
        for (int i = 0; i < 100; i++) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(server.socketPath()));
            idle.add(channel);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(ControlClient.last(server.socketPath(), "{\"command\":\"status\"}").path("status").stringValue())
                    .isEqualTo("ok");
        }
        assertThat(server.pendingConnections()).isLessThanOrEqualTo(ControlServer.MAX_PENDING_CONNECTIONS);
    }

    @Test
    void longRunningCommandsCannotHoldEveryWorker() throws Exception {
        server = ControlServer.start(temp.dir().resolve("run/n.sock"), ControlCommands.builder(nodes.start()).build());
        List<ControlClient.Stream> listeners = new ArrayList<>();
        try {
            for (int i = 0; i < ControlServer.MAX_LONG_RUNNING; i++) {
                ControlClient.Stream listen = ControlClient.open(server.socketPath(), listen(2000 + i));
                listeners.add(listen);
                assertThat(listen.next().path("data").path("event").stringValue()).isEqualTo("listening");
            }
            assertThat(server.longRunningCommands()).isEqualTo(ControlServer.MAX_LONG_RUNNING);

            // Short commands still have their workers (before the fix, the fifth listener's status request
            // waited behind four listeners for ever; the bound below only keeps a regression from hanging).
            for (int i = 0; i < 5; i++) {
                JsonNode status = CompletableFuture.supplyAsync(() -> ControlClient.last(server.socketPath(),
                        "{\"command\":\"status\"}")).get(30, TimeUnit.SECONDS);
                assertThat(status.path("status").stringValue()).isEqualTo("ok");
            }
            // One stream more is refused at once, saying why, and nothing else changes.
            JsonNode refused = ControlClient.last(server.socketPath(), listen(2100));
            assertThat(refused.path("code").stringValue()).isEqualTo("TOO_MANY_RUNNING");
            assertThat(refused.path("message").stringValue()).contains(ControlServer.MAX_LONG_RUNNING
                    + " long-running commands").contains("'listen' was not started");
            assertThat(refused.path("hint").stringValue()).contains("Ctrl-C");
            assertThat(server.refusedLongRunning()).isEqualTo(1);
            assertThat(server.longRunningCommands()).isEqualTo(ControlServer.MAX_LONG_RUNNING);

            // A client that hangs up gives its place back.
            listeners.remove(0).close();
            await().atMost(Duration.ofSeconds(30)).until(() -> server.longRunningCommands() < ControlServer.MAX_LONG_RUNNING);
            ControlClient.Stream again = ControlClient.open(server.socketPath(), listen(2100));
            listeners.add(again);
            assertThat(again.next().path("data").path("event").stringValue()).isEqualTo("listening");
        } finally {
            for (ControlClient.Stream listen : listeners) {
                listen.close();
            }
        }
    }

    private static String listen(int port) {
        return "{\"command\":\"listen\",\"args\":{\"port\":" + port + "}}";
    }

    @Test
    void aRunDirectoryOthersMayWriteToIsRefused() throws IOException {
        Path run = Files.createDirectory(temp.dir().resolve("run"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> ControlServer.start(run.resolve("n.sock"), ControlCommands.builder(nodes.start()).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(run.toString()).hasMessageContaining("writable by others");
        assertThat(Files.exists(run.resolve("n.sock"))).isFalse();
    }

    @Test
    void aRunDirectoryOwnedByAnotherUserIsRefused() throws IOException {
        assumeTrue(isRoot(), "only root can give a directory to another user");
        Path run = Files.createDirectory(temp.dir().resolve("run"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(run, "unix:uid", 65534);
        assertThatThrownBy(() -> ControlServer.start(run.resolve("n.sock"), ControlCommands.builder(nodes.start()).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(run.toString()).hasMessageContaining("owned by another user");
    }

    @Test
    void aPeerOfAnotherUserIsRefusedEvenWhenTheSocketIsReachable() throws Exception {
        assumeTrue(isRoot() && Files.isExecutable(Path.of(PYTHON)), "only root can connect as another user (with a system python3)");
        Path run = temp.dir().resolve("run");
        server = ControlServer.start(run.resolve("n.sock"), ControlCommands.builder(nodes.start()).build());
        // Someone loosened the permissions: the socket's mode no longer keeps others out.
        Files.setPosixFilePermissions(temp.dir(), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(server.socketPath(), PosixFilePermissions.fromString("rw-rw-rw-"));
        String client = "import socket,sys\n"
                + "s=socket.socket(socket.AF_UNIX)\n"
                + "s.connect(sys.argv[1])\n"
                + "print(s.makefile().read())\n"; // the refusal comes at once, before any request is read
        Process process = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", PYTHON, "-c",
                client, server.socketPath().toString()).redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String answer = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(answer).contains("\"status\":\"error\"").contains("FORBIDDEN").contains("another user");
        assertThat(server.refusedPeers()).isEqualTo(1);
        // Its own user is still served.
        assertThat(ControlClient.last(server.socketPath(), "{\"command\":\"status\"}").path("status").stringValue())
                .isEqualTo("ok");
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}

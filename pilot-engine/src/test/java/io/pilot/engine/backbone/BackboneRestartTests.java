package io.pilot.engine.backbone;

import io.pilot.engine.directory.DirectoryProtocol;
import java.time.Duration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.agent.BackboneProcess;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.DirectoryProtocol.GroupPolicy;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.RecordingListener;
import io.pilot.engine.identity.NodeKey;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A backbone with a store comes back from a restart, or a kill, with its registrations, bindings and groups. */
class BackboneRestartTests {

    @RegisterExtension
    final Mesh mesh = new Mesh();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopProcesses() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void registrationsBindingsAndGroupsSurviveARestart() throws Exception {
        Path store = dir.resolve("directory");
        var identity = TestNodes.newIdentity();
        mesh.startBackbone(identity, new InetSocketAddress("127.0.0.1", 0), BackboneSettings.DEFAULTS,
                JournaledDirectoryStore.open(store));
        InetSocketAddress endpoint = mesh.backboneNode.localEndpoint();
        DirectoryClient papers = mesh.agent("papers", b -> b.capability("papers.search").group("RESEARCH"));
        papers.createGroup("TRADING", GroupPolicy.TOKEN, "desk".getBytes(StandardCharsets.UTF_8)).join();

        mesh.backbone.close();
        mesh.backboneNode.close();
        mesh.startBackbone(identity, endpoint, BackboneSettings.DEFAULTS, JournaledDirectoryStore.open(store));

        assertThat(mesh.backbone.registrations()).isEqualTo(1);
        DirectoryClient newcomer = mesh.agent("newcomer", b -> b);
        assertThat(newcomer.find("papers.search").join()).extracting(NodeRecord::hostname).containsExactly("papers");
        assertThat(newcomer.members("RESEARCH").join()).hasSize(1);
        assertThatThrownBy(() -> mesh.agent("papers", b -> b)).isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(DirectoryException.class, e -> assertThat(e.error()).isEqualTo(DirectoryError.HOSTNAME_TAKEN));
        assertThatThrownBy(() -> mesh.agent("trader", b -> b.group("TRADING"))).cause()
                .isInstanceOfSatisfying(DirectoryException.class, e -> assertThat(e.error()).isEqualTo(DirectoryError.GROUP_DENIED));
    }

    @Test
    void aBackboneWhoseNodeIsClosedFirstStopsItsTimersAndClosesItsStore() throws Exception {
        Path store = dir.resolve("directory");
        mesh.startBackbone(BackboneSettings.DEFAULTS.withLeaseTtl(Duration.ofMillis(1500)), JournaledDirectoryStore.open(store));
        mesh.agent("papers", b -> b.capability("papers.search"));

        mesh.backboneNode.close();

        // The store is closed, its lock released: another backbone may open it, and finds the registration kept.
        await().atMost(5, TimeUnit.SECONDS).ignoreExceptions().until(() -> {
            try (JournaledDirectoryStore reopened = JournaledDirectoryStore.open(store)) {
                return reopened.load().records().size() == 1;
            }
        });
    }

    @Test
    void watchesAreRenewedWhenTheBackboneRestarts() throws Exception {
        Path store = dir.resolve("directory");
        var identity = TestNodes.newIdentity();
        BackboneSettings settings = BackboneSettings.DEFAULTS.withLeaseTtl(Duration.ofMillis(1500));
        mesh.startBackbone(identity, new InetSocketAddress("127.0.0.1", 0), settings, JournaledDirectoryStore.open(store));
        InetSocketAddress endpoint = mesh.backboneNode.localEndpoint();
        // Retries at most a second apart: the default backoff (up to 30 s) could push the first heartbeat to answer
        // past the wait below on a loaded machine, a few timed-out heartbeats after the restart.
        DirectoryClient watcher = mesh.agent("watcher", b -> b.requestTimeout(Duration.ofMillis(500))
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)));
        RecordingListener events = new RecordingListener();
        watcher.watch(DirectoryProtocol.Query.CAPABILITY, "fx.rate", events).join();
        DirectoryClient first = mesh.agent("fx-1", b -> b.capability("fx.rate").requestTimeout(Duration.ofMillis(500)));
        await().atMost(5, TimeUnit.SECONDS).until(() -> events.count("joined", "fx-1") == 1);

        mesh.backbone.close();
        mesh.backboneNode.close();
        first.close();
        mesh.startBackbone(identity, endpoint, settings, JournaledDirectoryStore.open(store));
        mesh.agent("fx-2", b -> b.capability("fx.rate"));

        // The watcher notices the new backbone epoch, watches again, and hears what changed meanwhile.
        await().atMost(30, TimeUnit.SECONDS)
                .until(() -> events.count("joined", "fx-2") == 1 && events.count("left", "fx-1") == 1);
    }

    @Test
    void withoutAStoreANodeThatDoesNotRegisterAgainIsHeardToLeaveOnceItsLeaseIsOver() throws Exception {
        var identity = TestNodes.newIdentity();
        BackboneSettings settings = BackboneSettings.DEFAULTS.withLeaseTtl(Duration.ofMillis(1500));
        mesh.startBackbone(identity, new InetSocketAddress("127.0.0.1", 0), settings, DirectoryStore.none());
        InetSocketAddress endpoint = mesh.backboneNode.localEndpoint();
        // Its grace for a restart: the lease, its longest wait between attempts (1 s) and a request timeout.
        DirectoryClient watcher = mesh.agent("watcher", b -> b.requestTimeout(Duration.ofMillis(500))
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)));
        RecordingListener events = new RecordingListener();
        watcher.watch(DirectoryProtocol.Query.CAPABILITY, "fx.rate", events).join();
        DirectoryClient gone = mesh.agent("fx-gone", b -> b.capability("fx.rate").requestTimeout(Duration.ofMillis(500)));
        mesh.agent("fx-back", b -> b.capability("fx.rate").requestTimeout(Duration.ofMillis(500)));
        await().atMost(5, TimeUnit.SECONDS).until(() -> events.count("joined", "fx-gone") == 1 && events.count("joined", "fx-back") == 1);

        // An empty directory; fx-gone dies meanwhile (its node closes without telling anyone), fx-back lives on.
        mesh.backbone.close();
        mesh.backboneNode.close();
        gone.node().close();
        mesh.startBackbone(identity, endpoint, settings, DirectoryStore.none());
        // The watcher registers at once (a group change republishes its record), meets the new epoch and renews its
        // watch before fx-back's next heartbeat (every 500 ms) can have found the restart, most runs.
        watcher.joinGroup("WATCHERS", null).join();

        // fx-back registers again within the grace and is kept throughout; fx-gone never does and is heard to
        // leave once the grace is over.
        await().atMost(30, TimeUnit.SECONDS).until(() -> events.count("left", "fx-gone") == 1);
        assertThat(mesh.backbone.registrations()).isEqualTo(2);
        assertThat(events.count("left", "fx-back")).as(events.heard().toString()).isZero();
        assertThat(events.count("joined", "fx-back")).as("registered again: an update, not a new node").isEqualTo(1);
    }

    @Test
    void aKilledBackboneProcessComesBackWithItsRegistrations() throws Exception {
        int port = freePort();
        Path store = dir.resolve("directory");
        Path identity = dir.resolve("backbone.key");
        String[] started = startBackboneProcess(port, identity, store);
        NodeKey key = NodeKey.parse(started[3]);
        PilotNode agentNode = mesh.node();
        DirectoryClient agent = DirectoryClient.builder(agentNode).hostname("survivor").capability("x.y")
                .backbone(new InetSocketAddress("127.0.0.1", port), key).build();
        agent.start().join();

        processes.get(0).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        String[] restarted = startBackboneProcess(port, identity, store);
        assertThat(restarted[1]).isEqualTo(started[1]);

        PilotNode fresh = mesh.node();
        DirectoryClient observer = DirectoryClient.builder(fresh).hostname("observer")
                .backbone(new InetSocketAddress("127.0.0.1", port), key).build();
        observer.start().join();
        assertThat(observer.lookup("survivor").join().address()).isEqualTo(agentNode.address());
        observer.close();
        agent.close();
    }

    @Test
    void aCorruptStoreStopsTheBackboneWithAClearMessageAndIsLeftAlone() throws Exception {
        Path store = dir.resolve("directory");
        JournaledDirectoryStore.open(store).close();
        Path journal;
        try (var files = Files.list(store)) {
            journal = files.filter(f -> f.getFileName().toString().startsWith("journal")).findFirst().orElseThrow();
        }
        Files.write(journal, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, StandardOpenOption.TRUNCATE_EXISTING);
        byte[] before = Files.readAllBytes(journal);
        Process process = backboneProcess(freePort(), dir.resolve("bb.key"), store);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(output).contains("cannot open the directory store").contains(journal.getFileName().toString());
        assertThat(Files.readAllBytes(journal)).isEqualTo(before);
    }

    private String[] startBackboneProcess(int port, Path identity, Path store) throws Exception {
        Process process = backboneProcess(port, identity, store);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("BACKBONE ")) {
                return line.split(" ");
            }
        }
        throw new AssertionError("backbone process ended without starting");
    }

    private Process backboneProcess(int port, Path identity, Path store) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", BackboneProcess.class.getName(),
                "127.0.0.1:" + port, identity.toString(), store.toString())
                .redirectErrorStream(true).start();
        processes.add(process);
        return process;
    }

    private static int freePort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return socket.getLocalPort();
        }
    }
}

package io.pilot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real {@code bin/pilotctl}, run as a subprocess exactly as an operator runs it, against real daemons
 * and a real standalone backbone on loopback, all started by pilotctl itself: the seeds' walkthrough
 * (coordinator and three specialists), lookups, groups, broadcast, send and listen, bench, a Spring Boot
 * agent managed through its control socket, bad input (message, hint, exit status, nothing changed), and
 * stopping everything. One fleet serves every test, in order, so the daemons start once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PilotCtlIT {

    private static final String ADDRESS = "\\d+:[0-9A-F]{4}\\.[0-9A-F]{4}\\.[0-9A-F]{4}";
    private static final List<String> SPECIALISTS = List.of("specialist-papers", "specialist-fx", "specialist-news");

    private Cli cli;
    private String backboneEndpoint;
    private String backboneKey;
    private final Map<String, String> addresses = new ConcurrentHashMap<>();
    private final Map<String, Long> pids = new ConcurrentHashMap<>();

    @BeforeAll
    void startTheFleet() throws Exception {
        cli = new Cli(Cli.newHome());
        Cli.Result backbone = cli.run("--json", "backbone", "start", "--bind", "127.0.0.1:0");
        assertThat(backbone.status()).as(backbone.toString()).isZero();
        backboneEndpoint = backbone.json().path("data").path("endpoint").asString();
        backboneKey = backbone.json().path("data").path("key").asString();
        pids.put("backbone", backbone.json().path("data").path("pid").asLong());

        // The coordinator finds the backbone by itself (the one 'backbone start' runs here); the specialists
        // start side by side, one of them told the backbone explicitly.
        startDaemon("coordinator", "daemon", "start", "--hostname", "coordinator", "--group", "RESEARCH");
        inParallel(List.of(
                () -> startDaemon("specialist-papers", "daemon", "start", "--hostname", "specialist-papers",
                        "--group", "RESEARCH", "--capability", "papers.search"),
                () -> startDaemon("specialist-fx", "daemon", "start", "--hostname", "specialist-fx",
                        "--group", "RESEARCH", "--capability", "fx.rate"),
                () -> startDaemon("specialist-news", "daemon", "start", "--hostname", "specialist-news",
                        "--group", "RESEARCH", "--capability", "news.headlines",
                        "--backbone", backboneEndpoint, "--backbone-key", backboneKey)));
    }

    /** Runs each on its own thread (the common pool has one on 2 cores) and waits for all; the first failure fails. */
    private static <T> List<T> inParallel(List<Supplier<T>> tasks) {
        ExecutorService threads = Executors.newFixedThreadPool(tasks.size());
        try {
            List<CompletableFuture<T>> running = tasks.stream().map(t -> CompletableFuture.supplyAsync(t, threads)).toList();
            return running.stream().map(CompletableFuture::join).toList();
        } finally {
            threads.shutdown();
        }
    }

    private Cli.Result startDaemon(String hostname, String... args) {
        List<String> line = new ArrayList<>(List.of("--json"));
        line.addAll(List.of(args));
        Cli.Result started = cli.run(line.toArray(String[]::new));
        assertThat(started.status()).as(started.toString()).isZero();
        JsonNode data = started.json().path("data");
        assertThat(data.path("hostname").asString()).isEqualTo(hostname);
        assertThat(data.path("address").asString()).matches(ADDRESS);
        assertThat(Path.of(data.path("socket").asString())).isEqualTo(cli.socket(hostname));
        addresses.put(hostname, data.path("address").asString());
        pids.put(hostname, data.path("pid").asLong());
        return started;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @AfterAll
    void stopWhateverIsLeft() throws Exception {
        // Normally the last test stopped everything; after a failure, leave no process behind.
        for (long pid : pids.values()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        cli.deleteHome();
    }

    @Test
    @Order(1)
    void theSeedsWalkthroughPingsASpecialistByHostname() {
        Cli.Result ping = cli.run("--node", "coordinator", "ping", "specialist-papers", "--count", "3");

        assertThat(ping.status()).as(ping.toString()).isZero();
        List<String> lines = ping.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.subList(0, 3)).allSatisfy(line ->
                assertThat(line).matches("✓ reply from " + addresses.get("specialist-papers") + " · [0-9.]+ms"));
        assertThat(lines.get(3)).startsWith("3 sent, 3 received, 0% loss · min/avg/max ");

        Cli.Result byAddress = cli.run("--node", "coordinator", "ping", addresses.get("specialist-fx"));
        assertThat(byAddress.out()).startsWith("✓ reply from " + addresses.get("specialist-fx") + " · ");

        Cli.Result info = cli.run("--node", "specialist-papers", "info");
        assertThat(info.out()).contains("address       " + addresses.get("specialist-papers"))
                .contains("hostname      specialist-papers").contains("backbone      REGISTERED")
                .contains("capabilities  papers.search").contains("groups        RESEARCH");
        JsonNode json = cli.run("--node", "coordinator", "--json", "info").json();
        assertThat(json.path("status").asString()).isEqualTo("ok");
        assertThat(json.path("data").path("hostname").asString()).isEqualTo("coordinator");
        assertThat(cli.run("--node", "coordinator", "peers").out()).contains(addresses.get("specialist-papers"))
                .contains("specialist-papers").contains("direct");
        assertThat(cli.run("--node", "coordinator", "identity", "show").out())
                .contains("address  " + addresses.get("coordinator")).contains(cli.home().resolve("coordinator.key").toString());
        assertThat(cli.run("--node", "specialist-news", "daemon", "status").out())
                .startsWith("✓ " + addresses.get("specialist-news") + " running · backbone REGISTERED");
    }

    @Test
    @Order(2)
    void findsByHostnameCapabilityAndGroup() {
        Cli.Result fx = cli.run("--node", "coordinator", "find", "--capability", "fx.rate");

        assertThat(fx.status()).as(fx.toString()).isZero();
        assertThat(fx.out().lines()).singleElement().asString()
                .matches("specialist-fx +" + addresses.get("specialist-fx") + "  fx.rate");
        assertThat(cli.run("--node", "coordinator", "find", "specialist-news").out()).contains(addresses.get("specialist-news"));
        assertThat(cli.run("--node", "coordinator", "find", "--group", "RESEARCH").out().lines())
                .hasSize(4).anySatisfy(line -> assertThat(line).startsWith("coordinator "));
        JsonNode none = cli.run("--node", "coordinator", "--json", "find", "--capability", "nothing.here").json();
        assertThat(none.path("data").path("records").isEmpty()).isTrue();
    }

    @Test
    @Order(3)
    void groupsAreJoinedAndLeftAndOthersSeeIt() {
        Cli.Result join = cli.run("--node", "specialist-fx", "groups", "join", "FINANCE");

        assertThat(join.status()).as(join.toString()).isZero();
        assertThat(join.out()).isEqualTo("groups  FINANCE, RESEARCH\n");
        assertThat(cli.run("--node", "coordinator", "groups", "members", "FINANCE").out()).startsWith("specialist-fx ");
        assertThat(cli.run("--node", "specialist-fx", "groups", "list").out()).isEqualTo("groups  FINANCE, RESEARCH\n");

        assertThat(cli.run("--node", "specialist-fx", "groups", "leave", "FINANCE").out()).isEqualTo("groups  RESEARCH\n");
        assertThat(cli.run("--node", "coordinator", "groups", "members", "FINANCE").out()).isEqualTo("(none)\n");

        Cli.Result notAMember = cli.run("--node", "specialist-fx", "groups", "leave", "FINANCE");
        assertThat(notAMember.status()).isEqualTo(PilotCtl.NODE_ERROR);
        assertThat(notAMember.err()).contains("this node is not a member of 'FINANCE' (its groups: RESEARCH)");
    }

    @Test
    @Order(4)
    void aBroadcastReachesAListeningMember() throws Exception {
        try (Cli.Background listen = cli.spawn("--node", "specialist-papers", "listen", "101", "--count", "1")) {
            listen.awaitLine(line -> line.equals("listening on " + addresses.get("specialist-papers") + " port 101 (Ctrl-C to stop)"));

            Cli.Result broadcast = cli.run("--node", "coordinator", "broadcast", "RESEARCH", "new paper on arXiv");

            assertThat(broadcast.status()).as(broadcast.toString()).isZero();
            assertThat(broadcast.out()).isEqualTo("✓ delivered to 3, failed 0\n");
            assertThat(listen.awaitLine(line -> line.contains("new paper")))
                    .isEqualTo(addresses.get("coordinator") + "  port 101  18 bytes  \"new paper on arXiv\"");
            assertThat(listen.awaitLine(line -> line.startsWith("✓"))).isEqualTo("✓ 1 message");
            assertThat(listen.awaitExit()).isZero();
        }
    }

    @Test
    @Order(5)
    void sendReachesAListenerWhosePortIsFreedWhenItGoesAway() throws Exception {
        try (Cli.Background listen = cli.spawn("--node", "specialist-news", "--json", "listen", "1001")) {
            listen.awaitLine(line -> line.contains("\"event\":\"listening\""));

            Cli.Result send = cli.run("--node", "coordinator", "send", "specialist-news", "1001", "--data", "hello news");

            assertThat(send.status()).as(send.toString()).isZero();
            assertThat(send.out()).isEqualTo("✓ sent 10 bytes to " + addresses.get("specialist-news") + " port 1001\n");
            JsonNode event = JsonMapper.builder().build().readTree(listen.awaitLine(line -> line.contains("hello news")));
            assertThat(event.path("status").asString()).isEqualTo("progress");
            assertThat(event.path("data").path("from").asString()).isEqualTo(addresses.get("coordinator"));
            assertThat(event.path("data").path("bytes").asInt()).isEqualTo(10);

            Cli.Result taken = cli.run("--node", "specialist-news", "listen", "1001");
            assertThat(taken.status()).isEqualTo(PilotCtl.NODE_ERROR);
            assertThat(taken.err()).contains("port 1001 already has a listener").contains("choose another port");
        }
        // The listener's client is gone (SIGTERM): the node gives the port back by itself.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (Cli.Background again = cli.spawn("--node", "specialist-news", "listen", "1001", "--count", "1")) {
                again.awaitLine(line -> line.startsWith("listening on"));
            }
        });
    }

    @Test
    @Order(6)
    void benchMeasuresThroughputOverTheTunnel() {
        Cli.Result bench = cli.run("--node", "coordinator", "bench", "specialist-papers", "--bytes", "4M");

        assertThat(bench.status()).as(bench.toString()).isZero();
        assertThat(bench.out()).matches("✓ 4\\.0 MiB to " + addresses.get("specialist-papers")
                + " in [0-9.]+ ms · [0-9.]+ MiB/s \\(16 messages of 256 KiB, 8 in flight\\)\n");
    }

    @Test
    @Order(7)
    void aSpringApplicationIsManagedThroughItsControlSocket() throws Exception {
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.io.pilot.spring=info", SpringAgentApp.class.getName(),
                "--spring.main.banner-mode=off", "--pilot.hostname=spring-agent", "--pilot.bind.address=127.0.0.1",
                "--pilot.backbone.address=" + backboneEndpoint, "--pilot.backbone.key=" + backboneKey,
                "--pilot.identity.path=" + cli.home().resolve("spring-agent.key"));
        try (Cli.Background spring = cli.spawnCommand(command)) {
            pids.put("spring-agent", spring.pid());
            spring.awaitLine(line -> line.contains("Pilot agent 'spring-agent' is"));

            Cli.Result info = cli.run("--node", "spring-agent", "info");
            assertThat(info.status()).as(info.toString()).isZero();
            assertThat(info.out()).contains("hostname      spring-agent").contains("capabilities  papers.summarize")
                    .contains("groups        RESEARCH");
            Cli.Result ping = cli.run("--node", "spring-agent", "ping", "specialist-papers");
            assertThat(ping.out()).startsWith("✓ reply from " + addresses.get("specialist-papers"));
            assertThat(cli.run("--node", "coordinator", "find", "--capability", "papers.summarize").out())
                    .startsWith("spring-agent ");
            // Stopped like a daemon: the application closes its context, as on SIGTERM, and its JVM ends.
            Cli.Result stop = cli.run("--node", "spring-agent", "daemon", "stop");
            assertThat(stop.status()).as(stop.toString()).isZero();
            assertThat(stop.out()).isEqualTo("✓ stopped\n");
            assertThat(spring.awaitExit()).isZero();
        }
        // Spring closed the context: the node deregistered and removed its socket.
        assertThat(cli.socket("spring-agent")).doesNotExist();
        assertThat(cli.run("--node", "spring-agent", "info").status()).isEqualTo(PilotCtl.NO_NODE);
        Cli.Result gone = cli.run("--node", "coordinator", "find", "spring-agent");
        assertThat(gone.status()).isEqualTo(PilotCtl.NODE_ERROR);
        assertThat(gone.err()).contains("no live node is called 'spring-agent'");
    }

    @Test
    @Order(8)
    void aForegroundDaemonRunsInPilotctlUntilStoppedOrTerminated() throws Exception {
        try (Cli.Background solo = cli.spawn("daemon", "start", "--hostname", "solo", "--foreground")) {
            String started = solo.awaitLine(line -> line.startsWith("✓ solo is "));
            assertThat(started).matches("✓ solo is " + ADDRESS + " \\(pid " + solo.pid() + ", in the foreground: Ctrl-C stops it\\)");
            assertThat(cli.run("--node", "coordinator", "ping", "solo").status()).isZero();

            assertThat(cli.run("--node", "solo", "daemon", "stop").out()).isEqualTo("✓ stopped\n");

            assertThat(solo.awaitExit()).isZero();
        }
        try (Cli.Background solo = cli.spawn("daemon", "start", "--hostname", "solo", "--foreground")) {
            solo.awaitLine(line -> line.startsWith("✓ solo is "));
            assertThat(cli.socket("solo")).exists();
        }
        // SIGTERM: the shutdown hook deregisters the node and removes its socket.
        assertThat(cli.socket("solo")).doesNotExist();
        assertThat(cli.run("--node", "coordinator", "find", "solo").err()).contains("no live node is called 'solo'");
    }

    @Test
    @Order(10)
    void anUnknownCommandOrFlagIsBadUsage() {
        Cli.Result command = cli.run("frobnicate");
        assertThat(command.status()).isEqualTo(PilotCtl.USAGE);
        assertThat(command.err()).startsWith("✗ unknown command 'frobnicate'").contains("\n  see: pilotctl --help");

        Cli.Result sub = cli.run("--node", "coordinator", "groups", "lst");
        assertThat(sub.status()).isEqualTo(PilotCtl.USAGE);
        assertThat(sub.err()).contains("unknown command 'lst'; did you mean list?").contains("see: pilotctl groups --help");

        Cli.Result node = cli.run("--node", "../coordinator", "info");
        assertThat(node.status()).isEqualTo(PilotCtl.USAGE);
        assertThat(node.err()).startsWith("✗ --node: invalid hostname '../coordinator'").contains("--socket PATH");

        Cli.Result flag = cli.run("--node", "coordinator", "--json", "ping", "specialist-papers", "--bogus");
        assertThat(flag.status()).isEqualTo(PilotCtl.USAGE);
        assertThat(flag.json().path("status").asString()).isEqualTo("error");
        assertThat(flag.json().path("code").asString()).isEqualTo("BAD_USAGE");
        assertThat(flag.json().path("message").asString()).isEqualTo("Unknown option: '--bogus'");
        assertThat(flag.json().path("hint").asString()).isEqualTo("see: pilotctl ping --help");
    }

    @Test
    @Order(11)
    void aMalformedAddressIsRefusedBeforeAnyNodeIsAsked() {
        Cli.Result result = cli.run("--node", "coordinator", "ping", "0:ZZZZ.0000.0000");

        assertThat(result.status()).isEqualTo(PilotCtl.USAGE);
        assertThat(result.err()).contains("invalid Pilot address '0:ZZZZ.0000.0000'")
                .contains("a TARGET is a hostname (e.g. specialist-papers) or an address (N:XXXX.XXXX.XXXX)")
                .contains("see: pilotctl ping --help");
        assertThat(cli.run("--node", "coordinator", "send", "Not_A_Host", "1001", "--data", "x").err())
                .contains("invalid hostname 'Not_A_Host'");
        Cli.Result badBind = cli.run("daemon", "start", "--hostname", "nowhere", "--backbone", "nowhere");
        assertThat(badBind.status()).isEqualTo(PilotCtl.USAGE);
        assertThat(badBind.err()).contains("'nowhere' is not HOST:PORT");
        assertThat(cli.home().resolve("run/nowhere.log")).doesNotExist();
        assertThat(cli.socket("nowhere")).doesNotExist();
    }

    @Test
    @Order(12)
    void anUnknownHostnameIsNotFound() {
        Cli.Result human = cli.run("--node", "coordinator", "ping", "nobody");
        Cli.Result json = cli.run("--node", "coordinator", "--json", "ping", "nobody");

        assertThat(human.status()).isEqualTo(PilotCtl.NODE_ERROR);
        assertThat(human.err()).isEqualTo("✗ no live node is called 'nobody'\n"
                + "  check the spelling; 'find' lists what the backbone knows\n");
        assertThat(json.status()).isEqualTo(PilotCtl.NODE_ERROR);
        assertThat(json.json().path("code").asString()).isEqualTo("NOT_FOUND");
        assertThat(json.json().path("hint").asString()).contains("check the spelling");
    }

    @Test
    @Order(13)
    void withNoDaemonRunningThereIsNoNodeToTalkTo() throws Exception {
        Cli empty = new Cli(Cli.newHome());
        try {
            assertNoNodeToTalkTo(empty);
        } finally {
            empty.deleteHome();
        }
    }

    private static void assertNoNodeToTalkTo(Cli empty) {
        Cli.Result info = empty.run("info");
        assertThat(info.status()).isEqualTo(PilotCtl.NO_NODE);
        assertThat(info.err()).contains("no Pilot node is running for this user").contains("pilotctl daemon start --hostname");
        assertThat(empty.run("--json", "daemon", "stop").json().path("code").asString()).isEqualTo("NO_NODE");
        assertThat(empty.run("--node", "coordinator", "daemon", "status").status()).isEqualTo(PilotCtl.NO_NODE);
        assertThat(empty.run("backbone", "status").status()).isEqualTo(PilotCtl.NO_NODE);

        Cli.Result noBackbone = empty.run("daemon", "start", "--hostname", "lonely");
        assertThat(noBackbone.status()).isEqualTo(PilotCtl.USAGE);
        assertThat(noBackbone.err()).contains("no --backbone given and no backbone runs here")
                .contains("pilotctl backbone start");
        assertThat(empty.socket("lonely")).doesNotExist();
    }

    @Test
    @Order(14)
    void severalDaemonsAndNoNodeAskWhichOne() {
        Cli.Result result = cli.run("--json", "info");

        assertThat(result.status()).isEqualTo(PilotCtl.NO_NODE);
        assertThat(result.json().path("code").asString()).isEqualTo("SEVERAL_NODES");
        assertThat(result.json().path("message").asString())
                .isEqualTo("4 nodes are running: coordinator, specialist-fx, specialist-news, specialist-papers");
        assertThat(result.json().path("hint").asString()).contains("--node HOSTNAME");
    }

    @Test
    @Order(15)
    void aStaleSocketIsRecognisedAndReplacedByTheNextStart() throws Exception {
        startDaemon("doomed", "daemon", "start", "--hostname", "doomed");
        ProcessHandle doomed = ProcessHandle.of(pids.get("doomed")).orElseThrow();
        doomed.destroyForcibly();
        await().pollInterval(Duration.ofMillis(50)).until(() -> !doomed.isAlive());
        assertThat(cli.socket("doomed")).exists();

        Cli.Result stale = cli.run("--node", "doomed", "info");
        assertThat(stale.status()).isEqualTo(PilotCtl.NO_NODE);
        assertThat(stale.err()).contains("doomed.sock is a stale socket (its node died without removing it)")
                .contains("start the node again, which replaces the file: pilotctl daemon start --hostname doomed");
        assertThat(cli.socket("doomed")).as("pilotctl leaves the file to the node").exists();
        assertThat(cli.run("--json", "info").json().path("message").asString()).startsWith("4 nodes are running")
                .doesNotContain("doomed");

        Cli.Result again = cli.run("daemon", "start", "--hostname", "doomed");
        assertThat(again.status()).as(again.toString()).isZero();
        assertThat(cli.run("--node", "doomed", "info").status()).isZero();
        assertThat(cli.run("--node", "doomed", "daemon", "stop").out()).isEqualTo("✓ stopped\n");
        assertThat(cli.socket("doomed")).doesNotExist();
    }

    @Test
    @Order(16)
    void aSecondDaemonUnderTheSameHostnameIsRefusedAndNothingChanges() throws Exception {
        Path log = cli.home().resolve("run/specialist-papers.log");
        String logBefore = Files.readString(log);
        List<Long> daemonsBefore = daemonProcesses();

        Cli.Result again = cli.run("daemon", "start", "--hostname", "specialist-papers");

        assertThat(again.status()).isEqualTo(PilotCtl.NODE_ERROR);
        assertThat(again.err()).startsWith("✗ a node already runs as 'specialist-papers'")
                .contains("stop it first: pilotctl --node specialist-papers daemon stop");
        assertThat(Files.readString(log)).isEqualTo(logBefore);
        assertThat(daemonProcesses()).as("no daemon started").isEqualTo(daemonsBefore);
        assertThat(cli.run("--node", "specialist-papers", "--json", "info").json().path("data").path("address").asString())
                .isEqualTo(addresses.get("specialist-papers"));
    }

    private static List<Long> daemonProcesses() {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().filter(c -> c.contains(DaemonMain.class.getName()))
                .isPresent()).map(ProcessHandle::pid).sorted().toList();
    }

    @Test
    @Order(17)
    void aMalformedControlRequestIsAnsweredAndTheDaemonCarriesOn() throws Exception {
        JsonNode answer;
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(cli.socket("coordinator")));
            channel.write(ByteBuffer.wrap("{\"command\": ping, oops\n".getBytes(StandardCharsets.UTF_8)));
            BufferedReader reader = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            answer = JsonMapper.builder().build().readTree(reader.readLine());
            assertThat(reader.readLine()).as("the server hangs up after the error").isNull();
        }

        assertThat(answer.path("status").asString()).isEqualTo("error");
        assertThat(answer.path("code").asString()).isEqualTo("BAD_REQUEST");
        assertThat(answer.path("message").asString()).startsWith("the request is not JSON");
        assertThat(answer.path("hint").asString()).contains("docs/CONTROL.md");
        assertThat(cli.run("--node", "coordinator", "daemon", "status").status()).isZero();
    }

    @Test
    @Order(100)
    void everythingStops() {
        // Side by side: a node closing waits up to 2 s for its peers to acknowledge, and some have gone.
        List<String> daemons = List.of("coordinator", "specialist-papers", "specialist-fx", "specialist-news");
        List<Cli.Result> stops = inParallel(daemons.stream()
                .<Supplier<Cli.Result>>map(hostname -> () -> cli.run("--node", hostname, "daemon", "stop")).toList());
        for (int i = 0; i < daemons.size(); i++) {
            Cli.Result stop = stops.get(i);
            assertThat(stop.status()).as(stop.toString()).isZero();
            assertThat(stop.out()).isEqualTo("✓ stopped\n");
            assertThat(cli.socket(daemons.get(i))).doesNotExist();
            long pid = pids.get(daemons.get(i));
            await().pollInterval(Duration.ofMillis(50)).until(() -> !alive(pid));
        }
        assertThat(cli.run("backbone", "stop").out()).isEqualTo("✓ backbone stopped\n");
        assertThat(alive(pids.get("backbone"))).isFalse();

        Cli.Result nothing = cli.run("info");
        assertThat(nothing.status()).isEqualTo(PilotCtl.NO_NODE);
        assertThat(nothing.err()).contains("no Pilot node is running for this user");
        assertThat(cli.run("backbone", "status").status()).isEqualTo(PilotCtl.NO_NODE);
    }
}

package io.pilot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.agent.Agent;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.DirectoryProtocol.GroupPolicy;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Secrets kept off the command line, with real processes: a standalone backbone takes its realm's join token
 * from a file, standard input or PILOT_JOIN_TOKEN (and its command line, which every user may read, does not
 * hold it); {@code pilotctl groups join} takes a group's token from a file, standard input or
 * PILOT_GROUP_TOKEN, warns when it is given on the command line, and refuses a missing, empty or unreadable
 * file with exit status 2 before any node is asked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretInputIT {

    private static final String JOIN_TOKEN = "realm-join-s3cret";
    private static final String GROUP_TOKEN = "vault-open-sesame";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Cli cli;
    private String endpoint;
    private String key;
    private Agent owner;

    @BeforeAll
    void startABackboneAndADaemon() throws Exception {
        cli = new Cli(Cli.newHome());
        Cli.Result backbone = cli.run("--json", "backbone", "start", "--bind", "127.0.0.1:0");
        assertThat(backbone.status()).as(backbone.toString()).isZero();
        endpoint = backbone.json().path("data").path("endpoint").asString();
        key = backbone.json().path("data").path("key").asString();
        Cli.Result daemon = cli.run("daemon", "start", "--hostname", "member");
        assertThat(daemon.status()).as(daemon.toString()).isZero();
        // The group's owner: a node of its own that defines VAULT as a TOKEN group.
        owner = agent("vault-owner", endpoint, key, null).start();
        owner.directory().orElseThrow().createGroup("VAULT", GroupPolicy.TOKEN, GROUP_TOKEN.getBytes(StandardCharsets.UTF_8)).join();
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (owner != null) {
            owner.close();
        }
        cli.run("--node", "member", "daemon", "stop");
        cli.run("backbone", "stop");
        cli.deleteHome();
    }

    private Agent agent(String hostname, String backboneEndpoint, String backboneKey, String joinToken) {
        return Agent.builder(PilotNode.builder().identity(Identity.generate(RANDOM)).bindAddress("127.0.0.1", 0))
                .hostname(hostname)
                .backbone(HostPort.parse(backboneEndpoint), NodeKey.parse(backboneKey))
                .directory(d -> d.joinToken(joinToken)).build();
    }

    private Path secretFile(String name, String content) throws Exception {
        Path file = Files.writeString(cli.home().resolve(name), content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void aGroupTokenComesFromAFileStandardInputOrTheEnvironment() throws Exception {
        Path file = secretFile("vault.token", GROUP_TOKEN + "\n");

        assertJoinedAndLeave(cli.run(Map.of(), null, "--node", "member", "groups", "join", "VAULT", "--token-file", file.toString()));
        assertJoinedAndLeave(cli.run(Map.of(), GROUP_TOKEN + "\n", "--node", "member", "groups", "join", "VAULT", "--token", "-"));
        assertJoinedAndLeave(cli.run(Map.of("PILOT_GROUP_TOKEN", GROUP_TOKEN), null, "--node", "member", "groups", "join", "VAULT"));

        Cli.Result onArgv = cli.run("--node", "member", "groups", "join", "VAULT", "--token", GROUP_TOKEN);
        assertThat(onArgv.err()).contains("warning: --token on the command line is visible to every user of this machine (ps)");
        assertJoinedAndLeave(onArgv);

        Cli.Result wrong = cli.run(Map.of(), null, "--node", "member", "groups", "join", "VAULT", "--token-file",
                secretFile("wrong.token", "guess\n").toString());
        assertThat(wrong.status()).as(wrong.toString()).isEqualTo(PilotCtl.NODE_ERROR);
        assertThat(wrong.err()).contains("--token");
        assertThat(groups()).isEqualTo("groups  -\n");
    }

    private void assertJoinedAndLeave(Cli.Result join) {
        assertThat(join.status()).as(join.toString()).isZero();
        assertThat(join.out()).isEqualTo("groups  VAULT\n");
        assertThat(cli.run("--node", "member", "groups", "leave", "VAULT").status()).isZero();
    }

    private String groups() {
        return cli.run("--node", "member", "groups", "list").out();
    }

    @Test
    void aBadGroupTokenFileIsRefusedBeforeTheNodeIsAsked() throws Exception {
        String groupsBefore = groups();
        Path missing = cli.home().resolve("missing.token");
        Path empty = secretFile("empty.token", "");
        List<Object[]> cases = new ArrayList<>(List.of(
                new Object[] {missing, "cannot read --token-file " + missing + ": no such file"},
                new Object[] {empty, "--token-file " + empty + " is empty"},
                new Object[] {cli.home(), "cannot read --token-file " + cli.home() + ": it is a directory"}));
        if (!"root".equals(System.getProperty("user.name"))) {
            Path unreadable = secretFile("unreadable.token", GROUP_TOKEN);
            Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));
            cases.add(new Object[] {unreadable, "cannot read --token-file " + unreadable + ": permission denied"});
        }
        for (Object[] bad : cases) {
            Cli.Result result = cli.run("--node", "member", "groups", "join", "VAULT", "--token-file", bad[0].toString());
            assertThat(result.status()).as(result.toString()).isEqualTo(PilotCtl.USAGE);
            assertThat(result.err()).contains((String) bad[1]).contains("see: pilotctl groups join --help");
        }
        Cli.Result json = cli.run("--json", "--node", "member", "groups", "join", "VAULT", "--token-file", missing.toString());
        assertThat(json.json().path("code").asString()).isEqualTo("BAD_USAGE");
        Cli.Result noStdin = cli.run("--node", "member", "groups", "join", "VAULT", "--token", "-");
        assertThat(noStdin.status()).isEqualTo(PilotCtl.USAGE);
        assertThat(noStdin.err()).contains("--token - (standard input) is empty");
        assertThat(groups()).isEqualTo(groupsBefore);
    }

    @Test
    void aBackbonesJoinTokenComesFromAFileStandardInputOrTheEnvironmentNotItsCommandLine() throws Exception {
        Path file = secretFile("join.token", JOIN_TOKEN + "\n");
        assertAdmitsOnlyItsToken(List.of("--join-token-file", file.toString()), Map.of(), null);
        assertAdmitsOnlyItsToken(List.of("--join-token", "-"), Map.of(), JOIN_TOKEN + "\n");
        assertAdmitsOnlyItsToken(List.of(), Map.of("PILOT_JOIN_TOKEN", JOIN_TOKEN), null);
    }

    private void assertAdmitsOnlyItsToken(List<String> options, Map<String, String> environment, String stdin) throws Exception {
        try (Cli.Background backbone = cli.spawnCommand(backboneMain(options), environment, stdin)) {
            List<String> fields = List.of(backbone.awaitLine(line -> line.startsWith("BACKBONE ")).split(" "));
            assertThat(commandLine(backbone.pid())).contains(BackboneMain.class.getName()).doesNotContain(JOIN_TOKEN);

            Agent stranger = agent("stranger", fields.get(2), fields.get(3), "guess");
            assertThatThrownBy(stranger::start).hasCauseInstanceOf(DirectoryException.class);
            stranger.close();
            try (Agent member = agent("member", fields.get(2), fields.get(3), JOIN_TOKEN).start()) {
                assertThat(member.directory().orElseThrow().backboneKey().orElseThrow().toString()).isEqualTo(fields.get(3));
            }
        }
    }

    @Test
    void aDaemonJoinsATokenGuardedBackboneWithItsTokenFromAFileStandardInputOrTheEnvironment() throws Exception {
        try (Cli.Background backbone = cli.spawnCommand(backboneMain(List.of()), Map.of("PILOT_JOIN_TOKEN", JOIN_TOKEN), null)) {
            List<String> fields = List.of(backbone.awaitLine(line -> line.startsWith("BACKBONE ")).split(" "));
            List<String> guarded = List.of("--backbone", fields.get(2), "--backbone-key", fields.get(3));
            Path file = secretFile("daemon-join.token", JOIN_TOKEN + "\n");

            assertRegisteredAndStop(cli.run(Map.of(), null, json(daemonStart("from-file", guarded, "--join-token-file", file.toString()))));
            assertRegisteredAndStop(cli.run(Map.of(), JOIN_TOKEN + "\n", json(daemonStart("from-stdin", guarded, "--join-token", "-"))));
            assertRegisteredAndStop(cli.run(Map.of("PILOT_JOIN_TOKEN", JOIN_TOKEN), null, json(daemonStart("from-env", guarded))));
            Cli.Result onArgv = cli.run(json(daemonStart("from-argv", guarded, "--join-token", JOIN_TOKEN)));
            assertThat(onArgv.err()).contains("warning: --join-token on the command line is visible to every user of this machine (ps)");
            assertRegisteredAndStop(onArgv);

            Cli.Result without = cli.run(daemonStart("without", guarded));
            assertThat(without.status()).as(without.toString()).isEqualTo(PilotCtl.NODE_ERROR);
            assertThat(without.err()).contains("JOIN_TOKEN_REQUIRED: this realm requires a join token",
                    "give the realm's join token with --join-token-file FILE, --join-token - (standard input) or PILOT_JOIN_TOKEN");
            Cli.Result wrong = cli.run(Map.of("PILOT_JOIN_TOKEN", "guess"), null, daemonStart("wrong", guarded));
            assertThat(wrong.status()).as(wrong.toString()).isEqualTo(PilotCtl.NODE_ERROR);
            assertThat(wrong.err()).contains("JOIN_TOKEN_INVALID: the join token is not valid for this realm");
            assertThat(cli.socket("without")).doesNotExist();
            assertThat(cli.socket("wrong")).doesNotExist();

            Cli.Result foreground = cli.run(daemonStart("in-foreground", guarded, "--foreground"));
            assertThat(foreground.status()).as(foreground.toString()).isEqualTo(PilotCtl.NODE_ERROR);
            assertThat(foreground.err()).contains("the node could not start: JOIN_TOKEN_REQUIRED", "--join-token-file FILE");
        }
    }

    @Test
    void aDaemonRefusesABadJoinTokenFileWithExitStatus2BeforeStarting() throws Exception {
        Path missing = cli.home().resolve("missing-daemon-join.token");
        Cli.Result result = cli.run(daemonStart("bad-file", List.of("--backbone", endpoint), "--join-token-file",
                missing.toString()));
        assertThat(result.status()).as(result.toString()).isEqualTo(PilotCtl.USAGE);
        assertThat(result.err()).contains("cannot read --join-token-file " + missing + ": no such file",
                "see: pilotctl daemon start --help");
        assertThat(cli.socket("bad-file")).doesNotExist();
    }

    private static String[] daemonStart(String hostname, List<String> backbone, String... options) {
        List<String> args = new ArrayList<>(List.of("daemon", "start", "--hostname", hostname));
        args.addAll(backbone);
        args.addAll(List.of(options));
        return args.toArray(String[]::new);
    }

    private static String[] json(String... args) {
        List<String> withJson = new ArrayList<>(List.of("--json"));
        withJson.addAll(List.of(args));
        return withJson.toArray(String[]::new);
    }

    /** Started means registered: {@code daemon start} returns once it is. Its command line must not hold the token. */
    private void assertRegisteredAndStop(Cli.Result start) {
        assertThat(start.status()).as(start.toString()).isZero();
        String hostname = start.json().path("data").path("hostname").asString();
        long pid = start.json().path("data").path("pid").asLong();
        assertThat(commandLine(pid))
                .contains(DaemonMain.class.getName()).doesNotContain(JOIN_TOKEN);
        Cli.Result status = cli.run("--json", "--node", hostname, "daemon", "status");
        assertThat(status.json().path("data").path("backbone").path("status").asString()).as(status.toString())
                .isEqualTo("REGISTERED");
        assertThat(cli.run("--node", hostname, "daemon", "stop").status()).isZero();
    }

    private List<String> backboneMain(List<String> options) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), BackboneMain.class.getName(), "--bind", "127.0.0.1:0",
                "--identity", cli.home().resolve("realm-backbone.key").toString()));
        command.addAll(options);
        return command;
    }

    @Test
    void aBackboneRefusesABadJoinTokenFileWithExitStatus2() throws Exception {
        Path missing = cli.home().resolve("missing-join.token");
        Path empty = secretFile("empty-join.token", "\n");
        Map<Path, String> cases = Map.of(missing, "error: cannot read --join-token-file " + missing + ": no such file",
                empty, "error: --join-token-file " + empty + " is empty");
        for (Map.Entry<Path, String> bad : cases.entrySet()) {
            try (Cli.Background backbone = cli.spawnCommand(backboneMain(List.of("--join-token-file", bad.getKey().toString())),
                    Map.of(), null)) {
                assertThat(backbone.awaitLine(line -> line.startsWith("error:"))).isEqualTo(bad.getValue());
                assertThat(backbone.awaitExit()).isEqualTo(2);
            }
        }
        try (Cli.Background both = cli.spawnCommand(backboneMain(List.of("--join-token", "x", "--join-token-file",
                missing.toString())), Map.of(), null)) {
            assertThat(both.awaitLine(line -> line.startsWith("error:")))
                    .isEqualTo("error: give --join-token or --join-token-file, not both");
            assertThat(both.awaitExit()).isEqualTo(2);
        }
    }

    /**
     * The whole command line a process was started with, as another user of the machine sees it: read from
     * {@code /proc/<pid>/cmdline} (ProcessHandle.Info cuts a long class path short).
     */
    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

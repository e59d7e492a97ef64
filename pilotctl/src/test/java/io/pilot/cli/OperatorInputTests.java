package io.pilot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.address.HostPort;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;
import tools.jackson.databind.node.JsonNodeFactory;

/** What operators type is read, or refused with a message that says what is wrong, before any node is asked. */
class OperatorInputTests {

    @Test
    void everyCommandPrintsItsUsageOnHelpAsEveryUsageErrorSays() {
        List<String> commands = new ArrayList<>();
        collect(new CommandLine(new PilotCtl()), commands);
        assertThat(commands).contains("pilotctl", "pilotctl ping", "pilotctl daemon stop", "pilotctl backbone start");
        for (String command : commands) {
            List<String> args = new ArrayList<>(List.of(command.split(" ")).subList(1, command.split(" ").length));
            args.add("--help");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int status = PilotCtl.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
            assertThat(status).as(command + " --help: " + err).isZero();
            assertThat(out.toString()).as(command).startsWith("Usage: " + command);
            assertThat(err.toString()).as(command).isEmpty();
        }
    }

    private static void collect(CommandLine line, List<String> commands) {
        commands.add(line.getCommandSpec().qualifiedName());
        line.getSubcommands().values().stream().distinct().filter(sub -> !sub.getCommandName().equals("help"))
                .forEach(sub -> collect(sub, commands));
    }

    @Test
    void targetsAreHostnamesOrAddresses() {
        assertThat(Targets.target("specialist-papers")).isEqualTo("specialist-papers");
        assertThat(Targets.target("0:1A2B.3C4D.5E6F")).isEqualTo("0:1A2B.3C4D.5E6F");
        assertThatThrownBy(() -> Targets.target("0:1A2B.3C4D")).hasMessageContaining("invalid Pilot address");
        assertThatThrownBy(() -> Targets.target("Papers!")).hasMessageContaining("invalid hostname 'Papers!'");
    }

    @Test
    void endpointsNeedHostAndPortAndABackboneAPortToReach() {
        assertThat(daemon("--backbone", "127.0.0.1:7400", "--bind", "[::1]:0").bind()).isEqualTo("[::1]:0");
        assertThatThrownBy(() -> daemon("--backbone", "nowhere"))
                .hasMessage("--backbone nowhere: 'nowhere' is not HOST:PORT (e.g. 127.0.0.1:7400)");
        assertThatThrownBy(() -> daemon("--backbone", "h:1", "--bind", "h:70000")).hasMessage("port 70000 is outside 0-65535");
        assertThatThrownBy(() -> daemon("--backbone", "h:0")).hasMessage("--backbone h:0: port 0 is outside 1-65535");
    }

    private static DaemonSettings daemon(String... options) {
        List<String> args = new ArrayList<>(List.of("--hostname", "x"));
        args.addAll(List.of(options));
        return DaemonSettings.parse(args.toArray(String[]::new), Map.of());
    }

    @Test
    void intervalsAreMillisecondsSecondsOrANumberOfSecondsAboveZeroAndAtMostAMinute() {
        TrafficCommands.Interval interval = new TrafficCommands.Interval();

        assertThat(interval.convert("200ms")).isEqualTo(Duration.ofMillis(200));
        assertThat(interval.convert("1s")).isEqualTo(Duration.ofSeconds(1));
        assertThat(interval.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(interval.convert("0.2")).isEqualTo(Duration.ofMillis(200));
        assertThat(interval.convert("60")).isEqualTo(Duration.ofMinutes(1));
        for (String outside : List.of("0", "0ms", "0.000", "61s", "60001ms")) {
            assertThatThrownBy(() -> interval.convert(outside)).as(outside).isInstanceOf(TypeConversionException.class)
                    .hasMessageContaining("outside the interval's range");
        }
        for (String junk : List.of("soon", "-1s", "1m", "1e3", "")) {
            assertThatThrownBy(() -> interval.convert(junk)).as(junk).isInstanceOf(TypeConversionException.class)
                    .hasMessageContaining("is not an interval");
        }
    }

    @Test
    void theStatusPagesBindIsHostAndPortOrAPortAloneOnLoopback() {
        assertThat(StatusHttpBind.parse("8080")).isEqualTo(new InetSocketAddress("127.0.0.1", 8080));
        assertThat(StatusHttpBind.parse("0.0.0.0:8080")).isEqualTo(new InetSocketAddress("0.0.0.0", 8080));
        assertThat(StatusHttpBind.parse("[::1]:0")).isEqualTo(new InetSocketAddress("::1", 0));
        assertThatThrownBy(() -> StatusHttpBind.parse("99999")).hasMessageStartingWith("--http-bind 99999: port 99999 is outside");
        assertThatThrownBy(() -> StatusHttpBind.parse("web")).hasMessageStartingWith("--http-bind web: ")
                .hasMessageEndingWith("(give HOST:PORT, or a port alone for loopback)");
    }

    @Test
    void sizesAndRatesReadInBinaryUnits() {
        assertThat(HumanUnits.bytes(512)).isEqualTo("512 B");
        assertThat(HumanUnits.bytes(1536)).isEqualTo("1.50 KiB");
        assertThat(HumanUnits.bytes(12.5 * 1024 * 1024)).isEqualTo("12.5 MiB");
        assertThat(HumanUnits.bytes(300L << 30)).isEqualTo("300 GiB");
        assertThat(HumanUnits.bytesPerSecond(2048)).isEqualTo("2.00 KiB/s");
        assertThat(HumanUnits.perSecond(0)).isEqualTo("0");
        assertThat(HumanUnits.perSecond(2.54)).isEqualTo("2.5");
        assertThat(HumanUnits.perSecond(340.4)).isEqualTo("340");
    }

    @Test
    void sizesTakeBinarySuffixes() {
        TrafficCommands.ByteSize size = new TrafficCommands.ByteSize();

        assertThat(size.convert("4096")).isEqualTo(4096);
        assertThat(size.convert("64K")).isEqualTo(64 * 1024);
        assertThat(size.convert("16m")).isEqualTo(16 * 1024 * 1024);
        assertThat(size.convert("1G")).isEqualTo(1 << 30);
        assertThatThrownBy(() -> size.convert("2G")).isInstanceOf(TypeConversionException.class).hasMessageContaining("outside");
        assertThatThrownBy(() -> size.convert("0")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> size.convert("lots")).hasMessageContaining("not a size");
    }

    @Test
    void daemonSettingsTravelToTheBackgroundProcessUnchanged() {
        DaemonSettings settings = new DaemonSettings("specialist-fx", "127.0.0.1:7400", null, List.of("RESEARCH", "FINANCE"),
                List.of("fx.rate"), "127.0.0.1:0", Path.of("/keys/fx.key"), null, null);

        assertThat(DaemonSettings.parse(settings.toArgs().toArray(String[]::new), Map.of())).isEqualTo(settings);
        assertThatThrownBy(() -> DaemonSettings.parse(new String[] {"--hostname", "x", "--backbone"}, Map.of()))
                .hasMessage("--backbone needs a value");
        assertThatThrownBy(() -> DaemonSettings.parse(new String[] {"--hostname", "x", "--backbone", "h:1", "--capability", "Bad"}, Map.of()))
                .hasMessageContaining("invalid capability 'Bad'");
        assertThatThrownBy(() -> DaemonSettings.parse(new String[] {"--hostname", "x", "--backbone", "h:1", "--backbone-key", "!"}, Map.of()))
                .hasMessageContaining("not base64url");
    }

    @Test
    void aDaemonsJoinTokenTravelsInItsEnvironmentNeverOnItsCommandLine() {
        DaemonSettings settings = new DaemonSettings("specialist-fx", "127.0.0.1:7400", null, List.of(), List.of(),
                "127.0.0.1:0", null, null, "realm-join-s3cret");
        Map<String, String> environment = new HashMap<>(Map.of("PATH", "/usr/bin"));
        settings.passSecrets(environment);

        assertThat(settings.toArgs()).noneMatch(arg -> arg.contains("realm-join-s3cret"));
        assertThat(environment).containsEntry("PILOT_JOIN_TOKEN", "realm-join-s3cret").containsEntry("PATH", "/usr/bin");
        assertThat(DaemonSettings.parse(settings.toArgs().toArray(String[]::new), environment)).isEqualTo(settings);
        assertThat(settings.toString()).contains("joinToken=******").doesNotContain("realm-join-s3cret");

        DaemonSettings without = new DaemonSettings("specialist-fx", "127.0.0.1:7400", null, List.of(), List.of(),
                "127.0.0.1:0", null, null, null);
        without.passSecrets(environment);
        assertThat(environment).as("an inherited token taken away").doesNotContainKey("PILOT_JOIN_TOKEN");
        assertThat(DaemonSettings.parse(without.toArgs().toArray(String[]::new), Map.of("PILOT_JOIN_TOKEN", "")))
                .isEqualTo(without);
        assertThatThrownBy(() -> DaemonSettings.parse(without.toArgs().toArray(String[]::new),
                Map.of("PILOT_JOIN_TOKEN", "x".repeat(300)))).hasMessage("a join token is at most 255 bytes of UTF-8; this one has 300");
    }

    @Test
    void roundTripsReadInMicrosecondsUnderAMillisecond() {
        JsonNodeFactory json = JsonNodeFactory.instance;

        assertThat(PilotCtl.roundTrip(json.numberNode(48))).isEqualTo("48 µs");
        assertThat(PilotCtl.roundTrip(json.numberNode(999))).isEqualTo("999 µs");
        assertThat(PilotCtl.roundTrip(json.numberNode(1_250))).isEqualTo("1.25 ms");
        assertThat(PilotCtl.roundTrip(json.numberNode(21_340))).isEqualTo("21.3 ms");
        assertThat(PilotCtl.roundTrip(json.numberNode(210_562))).isEqualTo("211 ms");
        assertThat(PilotCtl.roundTrip(json.nullNode())).isEqualTo("-");
        assertThat(PilotCtl.roundTrip(json.missingNode())).isEqualTo("-");
    }

    @Test
    void aDaemonsProxyUrlTravelsInItsEnvironmentAndIsCheckedWithoutQuotingItsPassword() {
        DaemonSettings settings = new DaemonSettings("behind-proxy", "127.0.0.1:7400", null, List.of(), List.of(),
                "127.0.0.1:0", null, null, null, "http://pilot:pr0xy-s3cret@127.0.0.1:3128");
        Map<String, String> environment = new HashMap<>();
        settings.passSecrets(environment);

        assertThat(settings.toArgs()).noneMatch(arg -> arg.contains("pr0xy-s3cret"));
        assertThat(environment).containsEntry("PILOT_PROXY", "http://pilot:pr0xy-s3cret@127.0.0.1:3128");
        assertThat(DaemonSettings.parse(settings.toArgs().toArray(String[]::new), environment)).isEqualTo(settings);
        assertThat(settings.proxySettings().password()).isEqualTo("pr0xy-s3cret");
        assertThat(settings.toString()).contains("proxy=******").doesNotContain("pr0xy-s3cret");
        DaemonSettings socks = new DaemonSettings("behind-proxy", "127.0.0.1:7400", null, List.of(), List.of(),
                "127.0.0.1:0", null, null, null, "socks5://pilot:pr0xy-s3cret@127.0.0.1:1080");
        assertThatThrownBy(socks::check).hasMessageContaining("--proxy").hasMessageNotContaining("pr0xy-s3cret");
    }

    @Test
    void backboneListenerOptionsAreCheckedAndTravelToTheBackgroundProcessUnchanged(@TempDir Path dir) throws Exception {
        WebSocketOptions options = WebSocketOptions.of(false, List.of("127.0.0.1:443,[::1]:8443", "0.0.0.0:9443"), null, null);

        assertThat(options.binds()).extracting(HostPort::format).containsExactly("127.0.0.1:443", "[::1]:8443", "0.0.0.0:9443");
        assertThat(options.toArgs()).containsExactly("--tcp-bind", "127.0.0.1:443", "--tcp-bind", "[::1]:8443",
                "--tcp-bind", "0.0.0.0:9443", "--no-tcp");
        assertThat(WebSocketOptions.of(true, List.of(), null, null).toArgs()).isEmpty();
        assertThatThrownBy(() -> WebSocketOptions.of(true, List.of("127.0.0.1:99999"), null, null))
                .hasMessageContaining("--tcp-bind 127.0.0.1:99999");
        assertThatThrownBy(() -> WebSocketOptions.of(true, List.of("nonsense"), null, null)).hasMessageContaining("--tcp-bind nonsense");
        assertThatThrownBy(() -> WebSocketOptions.of(true, List.of(), dir.resolve("cert.pem"), null))
                .hasMessage("--tls-cert and --tls-key go together");
        assertThatThrownBy(() -> WebSocketOptions.of(true, List.of(), dir.resolve("cert.pem"), dir.resolve("key.pem")))
                .hasMessageContaining("cert.pem").hasMessageContaining("cannot be read");
        Path notPem = Files.writeString(dir.resolve("not.pem"), "not a certificate\n");
        assertThatThrownBy(() -> WebSocketOptions.of(true, List.of(), notPem, notPem))
                .hasMessageContaining("cannot use TLS certificate " + notPem);
    }

    @Test
    void jvmOptionsForTheBackboneMustBeJvmOptionsThatLeaveWhatRunsAlone() {
        Map<String, String> refused = Map.of(
                "UseZGC", "a JVM option starts with '-'",
                "-", "a JVM option starts with '-'",
                "-cp", "-cp would change what runs",
                "-jar", "-jar would change what runs",
                "--class-path=/tmp", "--class-path would change what runs",
                "-X", "-X would change what runs",
                "-Xshare:dump", "-Xshare would change what runs",
                "--add-opens", "give its value after '=' (--add-opens=VALUE)",
                "-Dx=a\nb", "control characters are not allowed");
        refused.forEach((option, why) -> assertThat(BackgroundProcess.jvmOptionProblem(option)).as(option).contains(why));
        for (String fine : List.of("-XX:+UseZGC", "-Xmx4g", "-Xshare:auto", "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "-Xlog:gc:file=/tmp/gc.log")) {
            assertThat(BackgroundProcess.jvmOptionProblem(fine)).as(fine).isNull();
        }
    }
}

package io.pilot.engine.natlab;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.address.HostPort;
import io.pilot.engine.agent.BackboneProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Real Pilot processes on an IPv6-only network of namespaces: a bridge in {@code pub} and hosts {@code bb}
 * (the backbone), {@code alice} and {@code bob} on unique local addresses {@code fd00:15::10..12/64}, no
 * IPv4 but loopback. The {@link NatLab} is IPv4 only (its processes run with {@code preferIPv4Stack}); this
 * lab is built alongside it from the same parts. The agents bind {@code 0.0.0.0:7400}, which is dual-stack,
 * and are told the backbone as {@code [fd00:15::10]:7400}.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(NatLab.LOCK)
class Ipv6NamespaceTest {

    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration CALL = Duration.ofSeconds(90);
    private static final String NETWORK = "fd00:15::";
    private static final List<String> HOSTS = List.of("bb", "alice", "bob");

    private final List<String> namespaces = new ArrayList<>();
    private final List<LabProcess> processes = new ArrayList<>();
    private String prefix;
    private Path logs;

    @BeforeEach
    void buildTheNetwork() throws IOException {
        Assumptions.assumeTrue(NatLab.isSupported(), NatLab::supportReport);
        Namespaces.deleteStale();
        prefix = RunPrefix.next();
        logs = Files.createTempDirectory("natlab6-");
        String pub = addNamespace("pub");
        Shell.run("ip", "-n", pub, "link", "add", "br0", "type", "bridge");
        Shell.run("ip", "-n", pub, "link", "set", "br0", "up");
        for (int i = 0; i < HOSTS.size(); i++) {
            String host = addNamespace("h-" + HOSTS.get(i));
            Shell.run("ip", "-n", pub, "link", "add", "p-" + HOSTS.get(i), "type", "veth", "peer", "name", "eth0",
                    "netns", host);
            Shell.run("ip", "-n", pub, "link", "set", "p-" + HOSTS.get(i), "master", "br0", "up");
            // nodad: usable at once, without waiting a second for duplicate address detection.
            Shell.run("ip", "-n", host, "addr", "add", address(HOSTS.get(i)) + "/64", "dev", "eth0", "nodad");
            Shell.run("ip", "-n", host, "link", "set", "eth0", "up");
        }
    }

    @AfterEach
    void tearDown() {
        processes.forEach(LabProcess::close);
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            Namespaces.delete(namespaces.get(i));
        }
    }

    @Test
    void agentsJoinAnIpv6BackboneAndTalkDirectly() {
        String backbone = startBackbone();
        LabProcess alice = agent("alice", backbone);
        agent("bob", backbone);
        alice.send("ping bob");
        assertThat(alice.awaitLine(Pattern.compile("(PONG|FAILED) bob .*"), CALL).group(0)).startsWith("PONG bob direct");
        alice.send("path bob");
        assertThat(alice.awaitLine(Pattern.compile("PATH bob .*"), CALL).group(0)).isEqualTo("PATH bob direct direct");
    }

    @Test
    void aPairCutOffFromEachOtherIsRelayedOverIpv6() {
        String backbone = startBackbone();
        LabProcess alice = agent("alice", backbone);
        agent("bob", backbone);
        // alice's host drops everything to and from bob: only the backbone's relay joins them.
        Shell.run(Namespaces.exec(prefix + "h-alice", List.of("nft", "-f", "-")), """
                table ip6 cut {
                    chain out { type filter hook output priority filter; policy accept; ip6 daddr %1$s drop; }
                    chain in { type filter hook input priority filter; policy accept; ip6 saddr %1$s drop; }
                }
                """.formatted(address("bob")));
        alice.send("ping bob");
        assertThat(alice.awaitLine(Pattern.compile("(PONG|FAILED) bob .*"), CALL).group(0)).startsWith("PONG bob relayed");
        alice.send("path bob");
        assertThat(alice.awaitLine(Pattern.compile("PATH bob .*"), CALL).group(0))
                .matches("PATH bob relayed relayed: (no direct answer from \\[" + Pattern.quote(address("bob"))
                        + "]:7400|the peer reached this node through the relay).*");
    }

    /** Starts the backbone on {@code bb} bound to [::]:7400; returns {@code [address]:port key}. */
    private String startBackbone() {
        Path identity = logs.resolve("backbone.key");
        LabProcess backbone = java("bb", BackboneProcess.class, "[::]:7400", identity.toString());
        MatchResult line = backbone.awaitLine(Pattern.compile("BACKBONE (\\S+) (\\S+) (\\S+)"), START);
        // The endpoint it prints is RFC 5952 text that parses back.
        assertThat(line.group(2)).isEqualTo("[::]:7400");
        assertThat(HostPort.format(HostPort.parseBind(line.group(2)))).isEqualTo(line.group(2));
        return "[" + address("bb") + "]:7400 " + line.group(3);
    }

    private LabProcess agent(String host, String backbone) {
        String[] parts = backbone.split(" ");
        LabProcess agent = java(host, LabAgent.class, parts[0], parts[1], host);
        MatchResult registered = agent.awaitLine(Pattern.compile("REGISTERED (\\S+) reflexive (\\S+)"), START);
        assertThat(registered.group(2)).isEqualTo("[" + address(host) + "]:7400");
        return agent;
    }

    /** Like {@link NatLab#java}, but without its {@code preferIPv4Stack}: this lab is IPv6. */
    private LabProcess java(String host, Class<?> mainClass, String... args) {
        String java = ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xmx64m", mainClass.getName()));
        command.addAll(List.of(args));
        LabProcess process = new LabProcess(host + "-" + processes.size(), Namespaces.exec(prefix + "h-" + host, command), logs);
        processes.add(process);
        return process;
    }

    private String addNamespace(String role) {
        String namespace = prefix + role;
        Namespaces.add(namespace);
        namespaces.add(namespace);
        return namespace;
    }

    private static String address(String host) {
        return NETWORK + (10 + HOSTS.indexOf(host));
    }
}

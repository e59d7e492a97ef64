package io.pilot.engine.natlab;

import com.sun.security.auth.module.UnixSystem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A NAT laboratory made of Linux network namespaces, in which real processes run as hosts on a public network
 * or behind NAT routers, so that hole punching and relay fallback are tested against the kernel's own NAT rather
 * than a simulation. Needs root; check {@link #isSupported()} first (or use {@link NatLabExtension}, which
 * skips the test when it is not). Closing kills every process and removes every namespace; a JVM killed before
 * it could close leaves namespaces that the next lab removes.
 *
 * <h2>Topology</h2>
 * Every box is a namespace named {@code nl<pid>-<seq>-<role>}, role being {@code pub}, {@code r-<site>} or
 * {@code h-<host>}. Each veth pair is created with its ends directly in the two namespaces it joins, so nothing
 * is ever added to the machine's own namespace and interface names (all short: {@code br0}, {@code lan},
 * {@code wan}, {@code eth0}, {@code p-<host>}, {@code w-<site>}) cannot clash between runs. For example
 * {@code publicHost("stun").site("east", ENDPOINT_INDEPENDENT, "alice", "bob").site("west", SYMMETRIC, "carol")}:
 * <pre>
 *            "pub": bridge br0, the internet (203.0.113.0/24)
 *      p-stun |          w-east |                    w-west |
 *        eth0 |             wan | 203.0.113.101         wan | 203.0.113.102
 *   +---------+-----+   +-------+---------------+   +-------+---------------+
 *   | "h-stun"      |   | "r-east" NAT router   |   | "r-west" NAT router   |
 *   | 203.0.113.10  |   | endpoint-independent  |   | symmetric             |
 *   +---------------+   | lan (bridge)          |   | lan (bridge)          |
 *                       |   10.99.1.1           |   |   10.99.2.1           |
 *                       +---+--------------+----+   +---+-------------------+
 *                    p-alice|         p-bob|     p-carol|
 *                       eth0|          eth0|        eth0|
 *                  "h-alice"      "h-bob"        "h-carol"
 *                  10.99.1.10     10.99.1.11     10.99.2.10
 *                  (private hosts: default route via their router's lan address)
 * </pre>
 * Addresses follow {@link AddressPlan}. Public hosts have no route to any private network, so the way in is
 * through a router's WAN address.
 *
 * <h2>Router rules</h2>
 * Each router forwards IPv4 and loads this nftables table, {@code MAPPING} being the {@link NatType}'s statement
 * ({@code masquerade} or {@code masquerade random}):
 * <pre>
 * table ip natlab {
 *     chain postrouting { type nat hook postrouting priority srcnat; oifname "wan" MAPPING }
 *     chain forward { type filter hook forward priority filter; policy drop;
 *         ct state established,related accept
 *         iifname "lan" oifname "wan" accept }
 *     chain input { type filter hook input priority filter;
 *         iifname "wan" ct state established,related accept
 *         iifname "wan" drop }
 *     chain loss { type filter hook forward priority filter - 10; }
 * }
 * </pre>
 * Only answers to flows opened from inside come in: an inbound datagram that matches no conntrack entry is not
 * translated, so it is addressed to the router itself, where {@code input} drops it silently (no ICMP error
 * betrays the router); a datagram routed straight at a private address dies in {@code forward}. {@link #setLoss}
 * fills the {@code loss} chain with {@code numgen random mod 100 < N drop}, dropping that share of forwarded
 * packets in both directions (this kernel has no {@code tc netem}; {@link #shape} uses {@code tc tbf}). Hairpinning (a private host reaching its
 * own router's WAN address) is not configured.
 */
public final class NatLab implements AutoCloseable {

    /**
     * The resource lock every lab test class holds. Lab classes run beside the engine's other test classes (they are
     * {@code @Execution(CONCURRENT)}; the others run one after another, pilot-engine/pom.xml), since they spend most of
     * their time waiting on their processes; but one at a time, as their processes, shaped links and policers measure
     * what the machine's two cores allow. The fairness measurement is {@code @Isolated}: nothing runs beside it.
     */
    public static final String LOCK = "io.pilot.engine.natlab";

    private static final String BRIDGE = "br0";
    private static final String RULES = """
            table ip natlab {
                chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    oifname "wan" %s
                }
                chain forward {
                    type filter hook forward priority filter; policy drop;
                    ct state established,related accept
                    iifname "lan" oifname "wan" accept
                }
                chain input {
                    type filter hook input priority filter; policy accept;
                    iifname "wan" ct state established,related accept
                    iifname "wan" drop
                }
                chain loss {
                    type filter hook forward priority filter - 10; policy accept;
                }
            }
            """;

    /**
     * JVM options for lab processes: they are short-lived probes, so start fast and small; the lab is IPv4 only.
     */
    private static final List<String> JVM_OPTIONS = List.of(
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xmx64m", "-Djava.net.preferIPv4Stack=true");

    private final String prefix;
    private final Path logs;
    private final List<String> namespaces = new ArrayList<>();
    private final Map<String, String> hostNamespaces = new HashMap<>();
    private final Map<String, InetAddress> hostAddresses = new HashMap<>();
    private final Map<String, String> routerNamespaces = new HashMap<>();
    private final Map<String, InetAddress> wanAddresses = new HashMap<>();
    private final List<LabProcess> processes = new CopyOnWriteArrayList<>();
    private final AtomicInteger processCount = new AtomicInteger();

    /** Builds {@code topology}; throws if this machine cannot ({@link #supportReport()} says why). */
    public NatLab(Topology topology) {
        if (!isSupported()) {
            throw new IllegalStateException(supportReport());
        }
        Namespaces.deleteStale();
        this.prefix = RunPrefix.next();
        this.logs = createLogDirectory(prefix);
        try {
            build(topology);
        } catch (RuntimeException e) {
            try {
                close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Whether this machine can host a lab: we are root and can create a namespace holding an nftables table. */
    public static boolean isSupported() {
        return Support.PROBLEM.isEmpty();
    }

    /** Why {@link #isSupported()} is false, or a note that it is true. */
    public static String supportReport() {
        return Support.PROBLEM.orElse("NAT lab supported: root, network namespaces and nftables available");
    }

    /** The start of every namespace name of this lab. */
    public String prefix() {
        return prefix;
    }

    /** The namespace of {@code host}, for running commands the lab has no method for. */
    public String namespace(String host) {
        return lookup(hostNamespaces, host, "host");
    }

    /** The address of {@code host}: public for public hosts, private for hosts behind a NAT. */
    public InetAddress address(String host) {
        return lookup(hostAddresses, host, "host");
    }

    /** The public address that {@code site}'s router gives its hosts. */
    public InetAddress wanAddress(String site) {
        return lookup(wanAddresses, site, "site");
    }

    /** Makes {@code site}'s router drop about {@code percent}% of the packets it forwards; 0 stops it. */
    public void setLoss(String site, int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be 0..100: " + percent);
        }
        nft(lookup(routerNamespaces, site, "site"), "flush chain ip natlab loss\n"
                + (percent == 0 ? "" : "add rule ip natlab loss numgen random mod 100 < " + percent + " drop\n"));
    }

    /**
     * Cuts {@code site}'s router off from one remote address in both directions (as a firewall that has not
     * yet opened would), or, with {@code remote} null, lifts the cut. Shares the loss chain: it replaces any loss.
     */
    public void block(String site, InetAddress remote) {
        String ip = remote == null ? null : remote.getHostAddress();
        nft(lookup(routerNamespaces, site, "site"), "flush chain ip natlab loss\n"
                + (ip == null ? "" : "add rule ip natlab loss ip daddr " + ip + " drop\n"
                + "add rule ip natlab loss ip saddr " + ip + " drop\n"));
    }

    /**
     * Makes {@code site}'s router drop every UDP packet it forwards (a network that lets only TCP out), or, with
     * {@code drop} false, lifts it. Shares the loss chain: it replaces any loss or cut.
     */
    public void dropUdp(String site, boolean drop) {
        nft(lookup(routerNamespaces, site, "site"), "flush chain ip natlab loss\n"
                + (drop ? "add rule ip natlab loss meta l4proto udp drop\n" : ""));
    }

    /**
     * Makes {@code site}'s router forward nothing but TCP to and from {@code address}:{@code port} (a network whose
     * only way out is an HTTP proxy there), or, with {@code address} null, lifts it. Shares the loss chain: it
     * replaces any loss, cut or UDP drop.
     */
    public void onlyReach(String site, InetAddress address, int port) {
        String ip = address == null ? null : address.getHostAddress();
        nft(lookup(routerNamespaces, site, "site"), "flush chain ip natlab loss\n"
                + (ip == null ? "" : "add rule ip natlab loss ip daddr " + ip + " tcp dport " + port + " accept\n"
                + "add rule ip natlab loss ip saddr " + ip + " tcp sport " + port + " accept\n"
                + "add rule ip natlab loss drop\n"));
    }

    /**
     * Makes {@code site}'s router a bottleneck towards {@code remote}: packets to it beyond {@code kbytesPerSecond}
     * (with a burst of {@code burstKbytes}) are dropped, a policer as many access links are, without tc; with
     * {@code remote} null, lifts it. Shares the loss chain: it replaces any loss, cut or UDP drop.
     */
    public void rateLimit(String site, InetAddress remote, int kbytesPerSecond, int burstKbytes) {
        String ip = remote == null ? null : remote.getHostAddress();
        nft(lookup(routerNamespaces, site, "site"), "flush chain ip natlab loss\n"
                + (ip == null ? "" : "add rule ip natlab loss ip daddr " + ip + " limit rate over " + kbytesPerSecond
                + " kbytes/second burst " + burstKbytes + " kbytes drop\n"));
    }

    /**
     * Makes {@code site}'s router a bottleneck with a queue: its WAN side sends at most {@code kbytesPerSecond}
     * (Linux's token bucket filter, {@code tc qdisc tbf}), queueing up to {@code queueMillis} of traffic at that rate
     * and dropping what arrives at a full queue, as a slow link's router does. Unlike {@link #rateLimit}, which polices
     * (drops whatever exceeds the rate, at once), senders here share by queueing, and a burst waits instead of being
     * cut.
     */
    public void shape(String site, int kbytesPerSecond, int queueMillis) {
        Shell.run(Namespaces.exec(lookup(routerNamespaces, site, "site"), List.of("tc", "qdisc", "replace", "dev", "wan",
                "root", "tbf", "rate", kbytesPerSecond * 8 + "kbit", "burst", "16kb", "latency", queueMillis + "ms")), "");
    }

    /**
     * Makes {@code host} hand its link one packet at a time, as a real interface puts them on the wire: a veth
     * otherwise takes TCP and UDP segments of up to 64 KiB at once (TSO, GSO) and routers in the lab forward them
     * whole, so a policer judges some 45 packets as one and drops or passes them together.
     */
    public void wirePackets(String host) {
        Shell.run(Namespaces.exec(namespace(host), List.of("ip", "link", "set", "dev", "eth0", "gso_max_segs", "1")), "");
    }

    /**
     * Sets the congestion control of TCP connections {@code host} opens, or with null leaves the machine's default
     * (BBR on the machine these tests were written on, CUBIC on most Linux machines); returns the one in use. A
     * namespace may choose only among the machine's {@code net.ipv4.tcp_allowed_congestion_control} (here {@code reno
     * bbr}: not CUBIC, though the kernel has it).
     */
    public String tcpCongestionControl(String host, String controller) {
        if (controller != null) {
            Shell.run(Namespaces.exec(namespace(host), List.of("sysctl", "-qw", "net.ipv4.tcp_congestion_control=" + controller)), "");
        }
        return Shell.run(Namespaces.exec(namespace(host), List.of("sysctl", "-n", "net.ipv4.tcp_congestion_control")), "").trim();
    }

    /** Starts {@code command} inside {@code host}; it is killed when the lab closes. */
    public LabProcess start(String host, List<String> command) {
        LabProcess process = new LabProcess(host + "-" + processCount.incrementAndGet(),
                Namespaces.exec(namespace(host), command), logs);
        processes.add(process);
        return process;
    }

    /** Starts {@code mainClass} from the test classpath inside {@code host}, on this JVM's own binary. */
    public LabProcess java(String host, Class<?> mainClass, String... args) {
        return java(host, Map.of(), mainClass, args);
    }

    /** As {@link #java(String, Class, String...)}, with more environment variables (e.g. {@code HTTPS_PROXY}). */
    public LabProcess java(String host, Map<String, String> environment, Class<?> mainClass, String... args) {
        String java = ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>();
        if (!environment.isEmpty()) {
            command.add("env"); // ip netns exec passes its own environment on: env adds to it
            environment.forEach((name, value) -> command.add(name + "=" + value));
        }
        command.addAll(List.of(java, "-cp", System.getProperty("java.class.path")));
        command.addAll(JVM_OPTIONS);
        command.add(mainClass.getName());
        Collections.addAll(command, args);
        return start(host, command);
    }

    /** Kills every process started in the lab and deletes its namespaces, and with them its veths and tables. */
    @Override
    public void close() {
        processes.forEach(LabProcess::close);
        processes.clear();
        RuntimeException failure = null;
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            try {
                Namespaces.delete(namespaces.get(i));
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        namespaces.clear();
        if (failure != null) {
            throw failure;
        }
    }

    private void build(Topology topology) {
        String pub = addNamespace("pub");
        Shell.run("ip", "-n", pub, "link", "add", BRIDGE, "type", "bridge");
        Shell.run("ip", "-n", pub, "link", "set", BRIDGE, "up");
        List<String> publicHosts = topology.publicHosts();
        for (int k = 0; k < publicHosts.size(); k++) {
            String host = publicHosts.get(k);
            addHost(host, AddressPlan.publicHost(k), pub, BRIDGE);
        }
        List<Topology.Site> sites = topology.sites();
        for (int i = 0; i < sites.size(); i++) {
            Topology.Site site = sites.get(i);
            String router = addNamespace("r-" + site.name());
            plug(pub, BRIDGE, "w-" + site.name(), router, "wan", AddressPlan.wan(i));
            Shell.run("ip", "-n", router, "link", "add", "lan", "type", "bridge");
            address(router, "lan", AddressPlan.gateway(i));
            Shell.run(Namespaces.exec(router, List.of("sysctl", "-qw", "net.ipv4.ip_forward=1")), "");
            nft(router, RULES.formatted(site.nat().statement()));
            routerNamespaces.put(site.name(), router);
            wanAddresses.put(site.name(), AddressPlan.wan(i));
            for (int j = 0; j < site.hosts().size(); j++) {
                String host = addHost(site.hosts().get(j), AddressPlan.privateHost(i, j), router, "lan");
                Shell.run("ip", "-n", host, "route", "add", "default", "via", AddressPlan.gateway(i).getHostAddress());
            }
        }
    }

    /** Creates the namespace of host {@code name}, plugged into {@code bridge} of {@code switchNamespace}. */
    private String addHost(String name, InetAddress address, String switchNamespace, String bridge) {
        String namespace = addNamespace("h-" + name);
        plug(switchNamespace, bridge, "p-" + name, namespace, "eth0", address);
        hostNamespaces.put(name, namespace);
        hostAddresses.put(name, address);
        return namespace;
    }

    /**
     * Connects {@code namespace} to {@code bridge}: a veth pair with end {@code port} on the bridge and end
     * {@code device} in {@code namespace}, which gets {@code address}. Both ends are created in place.
     */
    private static void plug(String switchNamespace, String bridge, String port, String namespace, String device,
                             InetAddress address) {
        Shell.run("ip", "-n", switchNamespace, "link", "add", port, "type", "veth", "peer", "name", device,
                "netns", namespace);
        Shell.run("ip", "-n", switchNamespace, "link", "set", port, "master", bridge, "up");
        address(namespace, device, address);
    }

    private static void address(String namespace, String device, InetAddress address) {
        Shell.run("ip", "-n", namespace, "addr", "add", address.getHostAddress() + "/" + AddressPlan.PREFIX_LENGTH,
                "dev", device);
        Shell.run("ip", "-n", namespace, "link", "set", device, "up");
    }

    private String addNamespace(String role) {
        String namespace = prefix + role;
        Namespaces.add(namespace);
        namespaces.add(namespace);
        return namespace;
    }

    private static void nft(String namespace, String script) {
        Shell.run(Namespaces.exec(namespace, List.of("nft", "-f", "-")), script);
    }

    private static <V> V lookup(Map<String, V> map, String key, String kind) {
        V value = map.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no " + kind + " " + key + " in this lab");
        }
        return value;
    }

    private static Path createLogDirectory(String prefix) {
        try {
            return Files.createDirectories(Path.of("target", "natlab", prefix.substring(0, prefix.length() - 1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Probes support once per JVM, on first use. */
    private static final class Support {

        static final Optional<String> PROBLEM = probe();

        private static Optional<String> probe() {
            long uid = new UnixSystem().getUid();
            if (uid != 0) {
                return Optional.of("NAT lab needs root for network namespaces and nftables; uid is " + uid);
            }
            String namespace = RunPrefix.next() + "check";
            try {
                Namespaces.add(namespace);
                try {
                    nft(namespace, "add table ip natlab\n");
                    return Optional.empty();
                } finally {
                    Namespaces.delete(namespace);
                }
            } catch (RuntimeException e) {
                return Optional.of("NAT lab cannot create a network namespace with an nftables table: " + e.getMessage());
            }
        }
    }
}

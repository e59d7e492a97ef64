package io.pilot.engine.natlab;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.transport.CongestionControl;
import io.pilot.engine.transport.TransportConfig;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Flows from one site through its router towards the sink, at most {@value #LIMIT_KBYTES} kB/s: through a queue
 * (the router's WAN side shaped by {@code tc tbf}, {@value #QUEUE_MILLIS} ms of queue), two Pilot flows share it, and a
 * Pilot flow shares it with a TCP flow; through a policer (nftables drops what exceeds the rate), the same two pairs,
 * and two TCP flows for comparison. The sending host hands its link one packet at a time, as on a wire
 * ({@link NatLab#wirePackets}), and its TCP flows use the kernel's Reno, the loss-based TCP that CUBIC's
 * TCP-friendliness is defined against (RFC 9438); a namespace here cannot choose the kernel's CUBIC ({@link
 * NatLab#tcpCongestionControl}), and {@code -Dpilot.fairness.tcp=bbr} measures against BBR (this machine's default). Counts
 * bytes the sink received per flow over {@value #MEASURE_SECONDS} s after {@value #SETTLE_SECONDS} s to settle, and
 * prints the shares and each Pilot flow's transport counters (the figures docs/benchmarks.md section 4 quotes). Each
 * case takes about 17 s. The default congestion controller is measured; {@code
 * -Dpilot.fairness.controllers=cubic,bbr,newreno} measures those instead.
 */
@Isolated
class BottleneckFairnessTest {

    private static final int LIMIT_KBYTES = 2_000;
    private static final int BURST_KBYTES = 64;
    private static final int QUEUE_MILLIS = 50;
    private static final int SETTLE_SECONDS = 5;
    private static final int MEASURE_SECONDS = 10;
    private static final Duration START = Duration.ofSeconds(40);
    private static final String TCP_CONTROLLER = System.getProperty("pilot.fairness.tcp", "reno");

    @RegisterExtension
    final NatLabExtension lab = new NatLabExtension(Topology.create()
            .publicHost("sink")
            .site("east", NatType.ENDPOINT_INDEPENDENT, "alice"));

    static List<CongestionControl> controllers() {
        String names = System.getProperty("pilot.fairness.controllers", "");
        if (names.isBlank()) {
            return List.of(TransportConfig.defaults().congestionControl());
        }
        return Arrays.stream(names.split(",")).map(String::trim).map(CongestionControl::parse).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("controllers")
    void twoPilotFlowsShareAQueue(CongestionControl controller) throws Exception {
        Shares shares = measure(controller, 2, 0, Bottleneck.QUEUE);
        // Together they use most of the rate; the target is within 20 % of each other, asserted loosely here
        // (within a factor of two) because the lab shares the machine's two cores with both senders.
        assertThat(shares.total()).as(shares.report()).isGreaterThan(LIMIT_KBYTES * 1000L * MEASURE_SECONDS / 2);
        assertThat(shares.smallerOverLarger()).as(shares.report()).isGreaterThan(0.5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("controllers")
    void aPilotFlowAndATcpFlowShareAQueue(CongestionControl controller) throws Exception {
        Shares shares = measure(controller, 1, 1, Bottleneck.QUEUE);
        // Asserted loosely, as above: neither starves the other (docs/benchmarks.md section 4 has the shares measured).
        assertThat(shares.smallerOverLarger()).as(shares.report()).isGreaterThan(0.5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("controllers")
    void aPilotFlowAndATcpFlowThroughAPolicer(CongestionControl controller) throws Exception {
        Shares shares = measure(controller, 1, 1, Bottleneck.POLICER);
        // The lab's round trip is a fraction of a millisecond, so even two packets per round trip overrun the
        // policer: the Pilot flow's window sits at its floor and, before BelowFloorPacing, TCP got 0.1 to 0.5 % of
        // the rate (it waits out each lost retransmission with a timeout of 200 ms or more, doubled while they are
        // lost again). Now the Pilot flow paces itself below its floor and TCP gets through. How evenly is a figure,
        // not a property: measured from 30/70 to 53/47 here, once 4/96 on the CI host (docs/benchmarks.md section
        // 4), so the suite asserts what the mechanism guarantees, that neither flow is shut out.
        shares.assertEveryFlowGetsThrough();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("controllers")
    void twoPilotFlowsThroughAPolicer(CongestionControl controller) throws Exception {
        Shares shares = measure(controller, 2, 0, Bottleneck.POLICER);
        // Both capped below their floors, or both back at their controllers' rates when each one's trial met the
        // other's overrun; either way both get through (the split is measured in docs/benchmarks.md section 4).
        shares.assertEveryFlowGetsThrough();
    }

    @Test
    void twoTcpFlowsThroughAPolicer() throws Exception {
        // The comparison for the cases above, reported: two TCP flows both get through the lab's policer (measured from
        // 42/58 to 54/46, once 29/71: at this round trip both sit in retransmission timeouts, so the split varies).
        Shares shares = measure(TransportConfig.defaults().congestionControl(), 0, 2, Bottleneck.POLICER);
        assertThat(shares.bytes().values()).as(shares.report()).allSatisfy(bytes -> assertThat(bytes).isPositive());
    }

    /** Each flow's bytes at the sink over the measuring window, and the report printed for them. */
    private record Shares(Map<String, Long> bytes, String report) {

        /**
         * A flow shut out of the policer (TCP beside a Pilot flow at its window's floor, before BelowFloorPacing) got
         * 0.1 to 0.5 % of the rate; {@value #THROUGH_PERCENT} % is four times that and half the least seen since.
         */
        static final int THROUGH_PERCENT = 2;

        long total() {
            return bytes.values().stream().mapToLong(Long::longValue).sum();
        }

        double smallerOverLarger() {
            long smaller = bytes.values().stream().mapToLong(Long::longValue).min().orElse(0);
            long larger = bytes.values().stream().mapToLong(Long::longValue).max().orElse(1);
            return (double) smaller / Math.max(1, larger);
        }

        void assertEveryFlowGetsThrough() {
            assertThat(bytes).as(report).hasSize(2);
            long floor = LIMIT_KBYTES * 1000L * MEASURE_SECONDS * THROUGH_PERCENT / 100;
            assertThat(bytes.values()).as(report).allSatisfy(flow -> assertThat(flow).isGreaterThan(floor));
        }
    }

    private enum Bottleneck { QUEUE, POLICER }

    /** Starts the sink and one source, and returns each flow's bytes over the measuring window. */
    private Shares measure(CongestionControl controller, int pilotFlows, int tcpFlows,
            Bottleneck bottleneck) throws Exception {
        lab.get().wirePackets("alice");
        String tcp = lab.get().tcpCongestionControl("alice", TCP_CONTROLLER);
        LabProcess sink = lab.get().java("sink", BottleneckSink.class);
        String key = sink.awaitLine(Pattern.compile("SINK (\\S+)"), START).group(1);
        if (bottleneck == Bottleneck.QUEUE) {
            lab.get().shape("east", LIMIT_KBYTES, QUEUE_MILLIS);
        } else {
            lab.get().rateLimit("east", lab.get().address("sink"), LIMIT_KBYTES, BURST_KBYTES);
        }
        LabProcess source = lab.get().java("alice", BottleneckSource.class, lab.get().address("sink").getHostAddress(), key,
                controller.id(), String.valueOf(pilotFlows), String.valueOf(tcpFlows));
        source.awaitLine(Pattern.compile("SENDING"), START);
        Thread.sleep(SETTLE_SECONDS * 1000L);
        Map<String, Long> before = count(sink, 1);
        Thread.sleep(MEASURE_SECONDS * 1000L);
        Map<String, Long> after = count(sink, 2);
        Map<String, Long> shares = new HashMap<>();
        after.forEach((flow, bytes) -> shares.put(flow, bytes - before.getOrDefault(flow, 0L)));
        long total = shares.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder report = new StringBuilder("BOTTLENECK " + (pilotFlows > 0 ? controller.id() : "-") + " tcp "
                + tcp + " " + bottleneck.name().toLowerCase() + " " + LIMIT_KBYTES + " kB/s:");
        shares.forEach((flow, bytes) -> report.append(String.format(" %s %.0f kB/s (%.0f %%)", flow.replaceAll("-.*:", "-"),
                bytes / 1000.0 / MEASURE_SECONDS, 100.0 * bytes / Math.max(1, total))));
        System.out.println(report);
        // each Pilot flow's transport counters since it started, as last printed
        Map<String, String> counters = new TreeMap<>();
        source.lines().stream().filter(line -> line.startsWith("STATS ")).forEach(line -> counters.put(line.split(" ")[1], line));
        counters.values().forEach(System.out::println);
        assertThat(source.lines()).as("source output").noneMatch(line -> line.startsWith("FAILED"));
        counters.values().forEach(line -> report.append('\n').append(line));
        Shares measured = new Shares(shares, report.toString());
        assertThat(shares).as(measured.report()).hasSize(pilotFlows + tcpFlows);
        return measured;
    }

    private static Map<String, Long> count(LabProcess sink, int nth) throws InterruptedException {
        sink.send("count");
        Pattern answer = Pattern.compile("COUNT.*");
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            List<String> answers = sink.lines().stream().filter(l -> answer.matcher(l).matches()).toList();
            if (answers.size() >= nth) {
                Map<String, Long> counts = new HashMap<>();
                for (String pair : answers.get(nth - 1).substring("COUNT".length()).trim().split("\\s+")) {
                    if (!pair.isEmpty()) {
                        int eq = pair.lastIndexOf('=');
                        counts.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
                    }
                }
                return counts;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the sink did not count; lines: " + sink.lines());
    }
}

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
        Map<String, Long> shares = measure(controller, 2, 0, Bottleneck.QUEUE);
        assertThat(shares).hasSize(2);
        long[] bytes = shares.values().stream().mapToLong(Long::longValue).toArray();
        // Together they use most of the rate; the target is within 20 % of each other, asserted loosely here
        // (within a factor of two) because the lab shares the machine's two cores with both senders.
        assertThat(bytes[0] + bytes[1]).isGreaterThan(LIMIT_KBYTES * 1000L * MEASURE_SECONDS / 2);
        assertThat(smallerOverLarger(bytes)).isGreaterThan(0.5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("controllers")
    void aPilotFlowAndATcpFlowShareAQueue(CongestionControl controller) throws Exception {
        Map<String, Long> shares = measure(controller, 1, 1, Bottleneck.QUEUE);
        assertThat(shares).hasSize(2);
        long[] bytes = shares.values().stream().mapToLong(Long::longValue).toArray();
        // Asserted loosely, as above: neither starves the other (docs/benchmarks.md section 4 has the shares measured).
        assertThat(smallerOverLarger(bytes)).isGreaterThan(0.5);
    }

    /** The smaller of two flows' byte counts over the larger. */
    private static double smallerOverLarger(long[] bytes) {
        return (double) Math.min(bytes[0], bytes[1]) / Math.max(bytes[0], bytes[1]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("controllers")
    void aPilotFlowAndATcpFlowThroughAPolicer(CongestionControl controller) throws Exception {
        Map<String, Long> shares = measure(controller, 1, 1, Bottleneck.POLICER);
        assertThat(shares).hasSize(2);
        // The lab's round trip is a fraction of a millisecond, so even two packets per round trip overrun the
        // policer: the Pilot flow's window sits at its floor and, before BelowFloorPacing, TCP got 0 % (it waits out
        // each lost retransmission with a timeout of 200 ms or more, doubled while they are lost again). Now the Pilot
        // flow paces itself below its floor and TCP gets its share: measured from 34/66 to 53/47 (docs/benchmarks.md
        // section 4), asserted within a factor of three, as the split varies from run to run.
        long[] bytes = shares.values().stream().mapToLong(Long::longValue).toArray();
        assertThat(smallerOverLarger(bytes)).isGreaterThan(1.0 / 3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("controllers")
    void twoPilotFlowsThroughAPolicer(CongestionControl controller) throws Exception {
        Map<String, Long> shares = measure(controller, 2, 0, Bottleneck.POLICER);
        assertThat(shares).hasSize(2);
        // Both capped below their floors, or both back at their controllers' rates when each one's trial met the
        // other's overrun; either way they share (docs/benchmarks.md section 4).
        long[] bytes = shares.values().stream().mapToLong(Long::longValue).toArray();
        assertThat(smallerOverLarger(bytes)).isGreaterThan(0.5);
    }

    @Test
    void twoTcpFlowsThroughAPolicer() throws Exception {
        // The comparison for the case above, reported: two TCP flows both get through the lab's policer (measured from
        // 42/58 to 54/46, once 29/71: at this round trip both sit in retransmission timeouts, so the split varies).
        Map<String, Long> shares = measure(TransportConfig.defaults().congestionControl(), 0, 2, Bottleneck.POLICER);
        assertThat(shares).hasSize(2);
        assertThat(shares.values()).allSatisfy(bytes -> assertThat(bytes).isPositive());
    }

    private enum Bottleneck { QUEUE, POLICER }

    /** Starts the sink and one source, and returns each flow's bytes over the measuring window. */
    private Map<String, Long> measure(CongestionControl controller, int pilotFlows, int tcpFlows,
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
        return shares;
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

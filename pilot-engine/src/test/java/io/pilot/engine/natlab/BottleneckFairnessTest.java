package io.pilot.engine.natlab;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.transport.CongestionControl;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Flows from one site through its router, policed by nftables to {@value #LIMIT_KBYTES} kB/s towards the sink (no
 * tc here): two Pilot flows share it, and a Pilot flow shares it with a TCP flow (the kernel's CUBIC). Counts bytes
 * the sink received per flow over {@value #MEASURE_SECONDS} s after {@value #SETTLE_SECONDS} s to settle, and prints
 * the shares (the figures docs/benchmarks.md quotes). Each case takes about 25 s.
 */
class BottleneckFairnessTest {

    private static final int LIMIT_KBYTES = 2_000;
    private static final int BURST_KBYTES = 64;
    private static final int SETTLE_SECONDS = 5;
    private static final int MEASURE_SECONDS = 15;
    private static final Duration START = Duration.ofSeconds(40);

    @RegisterExtension
    final NatLabExtension lab = new NatLabExtension(Topology.create()
            .publicHost("sink")
            .site("east", NatType.ENDPOINT_INDEPENDENT, "alice"));

    @Test
    void twoPilotFlowsShareAPolicedBottleneck() throws Exception {
        Map<String, Long> shares = measure(CongestionControl.BBR, 2, 0);
        assertThat(shares).hasSize(2);
        long[] bytes = shares.values().stream().mapToLong(Long::longValue).toArray();
        // Together they use most of the limit; the target is within 20 % of each other, asserted loosely here
        // (within a factor of two) because a policer's drops are bursty and the lab shares the machine's cores.
        assertThat(bytes[0] + bytes[1]).isGreaterThan(LIMIT_KBYTES * 1000L * MEASURE_SECONDS / 2);
        assertThat((double) Math.min(bytes[0], bytes[1]) / Math.max(bytes[0], bytes[1])).isGreaterThan(0.5);
    }

    @Test
    void aPilotFlowAndATcpFlowBothProgressThroughAPolicedBottleneck() throws Exception {
        Map<String, Long> shares = measure(CongestionControl.BBR, 1, 1);
        assertThat(shares).hasSize(2);
        // Reported, not judged: a model-based controller against loss-based TCP on a policer is the known hard case.
        assertThat(shares.values()).allSatisfy(bytes -> assertThat(bytes).isPositive());
    }

    /** Starts the sink and one source, and returns each flow's bytes over the measuring window. */
    private Map<String, Long> measure(CongestionControl controller, int pilotFlows, int tcpFlows) throws Exception {
        LabProcess sink = lab.get().java("sink", BottleneckSink.class);
        String key = sink.awaitLine(Pattern.compile("SINK (\\S+)"), START).group(1);
        lab.get().rateLimit("east", lab.get().address("sink"), LIMIT_KBYTES, BURST_KBYTES);
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
        StringBuilder report = new StringBuilder("BOTTLENECK " + controller.id() + " limit " + LIMIT_KBYTES + " kB/s:");
        shares.forEach((flow, bytes) -> report.append(String.format(" %s %.0f kB/s (%.0f %%)", flow.replaceAll("-.*:", "-"),
                bytes / 1000.0 / MEASURE_SECONDS, 100.0 * bytes / Math.max(1, total))));
        System.out.println(report);
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

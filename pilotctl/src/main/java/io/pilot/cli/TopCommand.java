package io.pilot.cli;

import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code pilotctl top}: the node's peers as a live table (RTT, path, bytes in and out per second), read from
 * {@code peers} every second; the rates are the byte counters' differences between two reads. On a terminal
 * the table is redrawn in place; otherwise (a pipe, a file, a test) the tables follow one another.
 */
@Command(name = "top", description = "A live table of this node's peers: RTT, path, bytes in/out per second;"
        + " refreshed every second until Ctrl-C or --count.")
final class TopCommand implements Callable<Integer> {

    private static final String CLEAR_SCREEN = "\033[H\033[2J";
    private static final int MAX_COUNT = 1_000_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N tables (default: until Ctrl-C).")
    Integer count;

    @Option(names = "--interval", paramLabel = "D", converter = TrafficCommands.Interval.class,
            description = "Time between tables, e.g. 1s (default), 500ms or 2 (seconds).")
    Duration interval = Duration.ofSeconds(1);

    /** A peer's byte counters at one read. */
    private record Counters(long atNanos, long bytesIn, long bytesOut) {
    }

    private Map<String, Counters> previous = new HashMap<>();

    @Override
    public Integer call() throws InterruptedException {
        PilotCtl ctl = PilotCtl.of(spec);
        if (count != null && (count < 1 || count > MAX_COUNT)) {
            return ctl.usage("--count " + count + " must be at least 1", "e.g. pilotctl top --count 5");
        }
        boolean terminal = System.console() != null && !ctl.json;
        // A first read, unprinted, so that the first table already has rates.
        int status = ctl.callQuietly("peers", Map.of(), this::remember);
        if (status != PilotCtl.OK) {
            return status;
        }
        for (int shown = 0; count == null || shown < count; shown++) {
            Thread.sleep(interval.toMillis());
            status = ctl.call("peers", Map.of(), data -> print(ctl, data, terminal));
            if (status != PilotCtl.OK) {
                return status;
            }
            ctl.out.flush();
        }
        return PilotCtl.OK;
    }

    private void remember(JsonNode data) {
        long now = System.nanoTime();
        Map<String, Counters> counters = new HashMap<>();
        for (JsonNode peer : data.path("peers")) {
            counters.put(peer.path("address").asString(), new Counters(now, peer.path("bytesIn").asLong(),
                    peer.path("bytesOut").asLong()));
        }
        previous = counters;
    }

    private void print(PilotCtl ctl, JsonNode data, boolean terminal) {
        Map<String, Counters> before = previous;
        long now = System.nanoTime();
        remember(data);
        List<JsonNode> peers = new ArrayList<>();
        data.path("peers").forEach(peers::add);
        peers.sort(Comparator.comparing((JsonNode p) -> !p.path("backbone").asBoolean(false))
                .thenComparing(PeerRows::name).thenComparing(p -> p.path("address").asString()));
        StringBuilder table = new StringBuilder();
        if (terminal) {
            table.append(CLEAR_SCREEN);
        }
        table.append(String.format("pilotctl top · %s · %d peer%s%n", LocalTime.now().truncatedTo(ChronoUnit.SECONDS),
                peers.size(), peers.size() == 1 ? "" : "s"));
        table.append(String.format("%-20s %-18s %-12s %9s %12s %12s %10s %10s%n", "PEER", "ADDRESS", "PATH", "RTT",
                "IN/s", "OUT/s", "IN", "OUT"));
        for (JsonNode peer : peers) {
            String address = peer.path("address").asString();
            long bytesIn = peer.path("bytesIn").asLong();
            long bytesOut = peer.path("bytesOut").asLong();
            Counters then = before.get(address);
            double seconds = then == null ? 0 : (now - then.atNanos()) / 1e9;
            table.append(String.format("%-20s %-18s %-12s %9s %12s %12s %10s %10s%n", PeerRows.name(peer), address,
                    PeerRows.path(peer), PilotCtl.roundTrip(peer.path("rttMicros")),
                    rate(then == null ? -1 : bytesIn - then.bytesIn(), seconds),
                    rate(then == null ? -1 : bytesOut - then.bytesOut(), seconds),
                    HumanUnits.bytes(bytesIn), HumanUnits.bytes(bytesOut)));
        }
        if (peers.isEmpty()) {
            table.append("(no peers)").append(System.lineSeparator());
        }
        if (!terminal) {
            table.append(System.lineSeparator());
        }
        ctl.out.print(table);
    }

    /** Bytes per second, or "-" for a peer new since the last read. */
    private static String rate(long bytes, double seconds) {
        return bytes < 0 || seconds <= 0 ? "-" : HumanUnits.bytesPerSecond(Math.max(0, bytes) / seconds);
    }
}

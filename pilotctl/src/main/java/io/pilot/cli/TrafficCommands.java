package io.pilot.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import tools.jackson.databind.JsonNode;

/** What travels over the tunnels: {@code ping}, {@code send}, {@code broadcast}, {@code listen}, {@code bench}. */
final class TrafficCommands {

    private static final String TARGET = "A hostname (specialist-papers) or an address (0:1A2B.3C4D.5E6F).";

    private TrafficCommands() {
    }

    /** Refuses a TARGET that is neither a hostname nor an address while the command line is read. */
    static final class TargetConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return Targets.target(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage()
                        + "; a TARGET is a hostname (e.g. specialist-papers) or an address (N:XXXX.XXXX.XXXX)");
            }
        }
    }

    /** A byte count from 1 to 1G, with an optional binary suffix: 4096, 64K, 16M, 1G. */
    static final class ByteSize implements ITypeConverter<Integer> {
        private static final Pattern SIZE = Pattern.compile("(\\d{1,10})([KMG]?)", Pattern.CASE_INSENSITIVE);

        @Override
        public Integer convert(String value) {
            Matcher matcher = SIZE.matcher(value);
            if (!matcher.matches()) {
                throw new TypeConversionException("'" + value + "' is not a size: use e.g. 4096, 64K, 16M or 1G");
            }
            int shift = switch (matcher.group(2).toUpperCase(Locale.ROOT)) {
                case "K" -> 10;
                case "M" -> 20;
                case "G" -> 30;
                default -> 0;
            };
            long bytes = Long.parseLong(matcher.group(1)) << shift;
            if (bytes < 1 || bytes > 1L << 30) {
                throw new TypeConversionException("'" + value + "' is outside 1 to 1G bytes");
            }
            return (int) bytes;
        }
    }

    /**
     * A time between two pings: {@code 200ms}, {@code 1s}, {@code 1.5s}, or a number of seconds as ping(8)'s
     * {@code -i} takes it ({@code 0.5}); more than 0, at most 60 s.
     */
    static final class Interval implements ITypeConverter<Duration> {
        private static final Pattern INTERVAL = Pattern.compile("(\\d{1,6}(?:\\.\\d{1,3})?)(ms|s)?");

        @Override
        public Duration convert(String value) {
            Matcher matcher = INTERVAL.matcher(value.strip());
            if (!matcher.matches()) {
                throw new TypeConversionException("'" + value + "' is not an interval: use e.g. 1s, 200ms or 0.5 (seconds)");
            }
            double number = Double.parseDouble(matcher.group(1));
            long millis = Math.round("ms".equals(matcher.group(2)) ? number : number * 1_000);
            if (millis <= 0 || millis > MAX_INTERVAL.toMillis()) {
                throw new TypeConversionException("'" + value + "' is outside the interval's range: more than 0, at most 60s");
            }
            return Duration.ofMillis(millis);
        }
    }

    private static final Duration MAX_INTERVAL = Duration.ofSeconds(60);
    /** The pause between pings given a count but no --interval: short, the run is a measurement. */
    private static final int COUNTED_INTERVAL_MILLIS = 200;
    private static final int MAX_PINGS = 1000;

    @Command(name = "ping", description = "Round trips to a node over its tunnel; with --interval, until --count or"
            + " Ctrl-C, like ping(8): a line per reply, a summary at the end.")
    static final class Ping implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "TARGET", description = TARGET, converter = TargetConverter.class)
        String target;

        @Option(names = "--count", paramLabel = "N", description = "How many pings (1-1000; default 1, or until Ctrl-C"
                + " with --interval).")
        Integer count;

        @Option(names = "--interval", paramLabel = "D", converter = Interval.class,
                description = "Time between pings, e.g. 1s, 200ms or 0.5 (seconds); repeats until --count or Ctrl-C.")
        Duration interval;

        @Override
        public Integer call() {
            PilotCtl ctl = PilotCtl.of(spec);
            if (count != null && (count < 1 || count > MAX_PINGS)) {
                return ctl.usage("--count " + count + " is outside 1-" + MAX_PINGS,
                        "e.g. --count 5, or --interval 1s without --count to ping until Ctrl-C");
            }
            // 0 asks the node to ping until this client hangs up (Ctrl-C).
            int pings = count != null ? count : interval != null ? 0 : 1;
            long intervalMillis = interval != null ? interval.toMillis() : COUNTED_INTERVAL_MILLIS;
            PingTally tally = new PingTally(ctl.out);
            Thread onStop = new Thread(tally::interrupted, "ping-summary");
            if (!ctl.json) {
                Runtime.getRuntime().addShutdownHook(onStop);
            }
            try {
                return ctl.call("ping", Map.of("target", target, "count", pings, "intervalMillis", intervalMillis),
                        tally::progress, pings == 0, tally::summary);
            } finally {
                if (!ctl.json) {
                    removeQuietly(onStop);
                }
            }
        }

        private static void removeQuietly(Thread hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C came as the run ended: the hook runs, and prints nothing once the summary is out
            }
        }
    }

    @Command(name = "send", description = "Send a text message to a port of a node.")
    static final class Send implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "TARGET", description = TARGET, converter = TargetConverter.class)
        String target;

        @Parameters(index = "1", paramLabel = "PORT")
        int port;

        @Option(names = "--data", required = true, paramLabel = "TEXT")
        String data;

        @Override
        public Integer call() {
            PilotCtl ctl = PilotCtl.of(spec);
            return ctl.call("send", Map.of("target", target, "port", port, "data", data), reply ->
                    ctl.out.printf("✓ sent %d bytes to %s port %d%n", reply.path("bytes").asInt(),
                            reply.path("address").asString(), port));
        }
    }

    @Command(name = "broadcast", description = "Send a text message to every other member of a group, directly.")
    static final class Broadcast implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "GROUP")
        String group;

        @Parameters(index = "1", paramLabel = "MESSAGE")
        String message;

        @Option(names = "--port", defaultValue = "101", description = "The port the members listen on (default 101).")
        int port;

        @Override
        public Integer call() {
            PilotCtl ctl = PilotCtl.of(spec);
            return ctl.call("broadcast", Map.of("group", group, "port", port, "message", message), data -> {
                ctl.out.printf("✓ delivered to %d, failed %d%n", data.path("delivered").size(), data.path("failed").size());
                for (JsonNode failed : data.path("failed")) {
                    ctl.out.printf("  ✗ %s: %s%n", failed.path("hostname").asString(), failed.path("reason").asString());
                }
            });
        }
    }

    @Command(name = "listen", description = "Serve a port and print each message that arrives, until Ctrl-C or --count.")
    static final class Listen implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "PORT")
        int port;

        @Option(names = "--count", defaultValue = "0", description = "Stop after N messages (default: never).")
        int count;

        @Override
        public Integer call() {
            PilotCtl ctl = PilotCtl.of(spec);
            return ctl.call("listen", Map.of("port", port, "count", count), event -> {
                if ("listening".equals(event.path("event").asString())) {
                    ctl.out.printf("listening on %s port %d (Ctrl-C to stop)%n", event.path("address").asString(), port);
                } else {
                    ctl.out.printf("%s  port %d  %d bytes  %s%n", event.path("from").asString(), event.path("port").asInt(),
                            event.path("bytes").asInt(), event.path("text").isNull() ? "(binary or over 4 KiB)"
                                    : "\"" + event.path("text").asString() + "\"");
                }
            }, true, done -> ctl.out.printf("✓ %d message%s%s%n", done.path("received").asInt(),
                    done.path("received").asInt() == 1 ? "" : "s",
                    done.path("dropped").asLong() > 0 ? ", " + done.path("dropped").asLong() + " dropped (too slow)" : ""));
        }
    }

    @Command(name = "bench", description = "Throughput over the tunnel to a node: sends bytes to its discard service.")
    static final class Bench implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "TARGET", description = TARGET, converter = TargetConverter.class)
        String target;

        @Option(names = "--bytes", defaultValue = "64M", converter = ByteSize.class, paramLabel = "N",
                description = "How much to send: e.g. 4096, 64K, 16M, 1G (default 64M).")
        int bytes;

        @Override
        public Integer call() {
            PilotCtl ctl = PilotCtl.of(spec);
            return ctl.call("bench", Map.of("target", target, "bytes", bytes), data -> ctl.out.printf(
                    "✓ %.1f MiB to %s in %s ms · %.1f MiB/s (%d messages of %d KiB, %d in flight)%n",
                    data.path("bytes").asLong() / (1024.0 * 1024.0), data.path("address").asString(),
                    PilotCtl.millis(data.path("elapsedMillis").asDouble()), data.path("mibPerSecond").asDouble(),
                    data.path("messages").asInt(), data.path("messageBytes").asInt() / 1024, data.path("inFlight").asInt()));
        }
    }
}

package io.pilot.samples.fleet;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/demo}: starts the research fleet, runs one research request end to end, prints the answer and
 * where to look next, and keeps the fleet running until Ctrl-C ({@code --once}: stops it and exits, 0 if every
 * part of the answer came back).
 */
public final class DemoMain {

    private static final String USAGE = """
            usage: bin/demo [--once] [--topic TOPIC] [--port HTTP_PORT] [--backbone-port UDP_PORT] [--trace | --otlp URL]
              --once           stop the fleet after the research request (exit 0 if every part answered)
              --topic          what to research (default: attention)
              --port           the coordinator's HTTP port (default 8080; specialists take the next three)
              --backbone-port  the embedded backbone's UDP port (default 7400)
              --trace          also print the research request's trace here (traces are collected locally by
                               default, and the page shows each request's trace tree)
              --otlp           send the fleet's traces to this OTLP/HTTP endpoint instead, e.g.
                               http://localhost:4318/v1/traces (the page then shows no trace tree)
            """;

    private DemoMain() {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
            if (options.help) {
                System.out.print(USAGE);
                System.exit(0);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("✗ " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        System.exit(run(options));
    }

    private static int run(Options options) {
        Path root = Path.of(System.getProperty("pilot.root", ".")).toAbsolutePath().normalize();
        Path workDir = root.resolve("target").resolve("demo");
        List<String> busy = busyPorts(options);
        if (!busy.isEmpty()) {
            System.err.println("✗ " + String.join("; ", busy));
            System.err.println("  stop what holds them (another bin/demo?), or choose others: bin/demo --port N --backbone-port M");
            return 1;
        }
        TraceCollector traces = null;
        if (options.collectsTracesLocally()) {
            try {
                traces = new TraceCollector();
            } catch (IOException e) {
                System.err.println("✗ cannot open a local trace collector: " + e.getMessage());
                return 1;
            }
        }
        List<String> arguments = new ArrayList<>();
        if (traces != null) {
            arguments.add("--management.opentelemetry.tracing.export.otlp.endpoint=" + traces.endpoint());
            // Where the coordinator's page asks for a request's trace tree; the batches leave every second, not every
            // five, so that the tree fills in soon after the answer.
            arguments.add("--demo.traces-url=" + traces.queryUrl());
            arguments.add("--management.opentelemetry.tracing.export.schedule-delay=1s");
        } else {
            arguments.add("--management.opentelemetry.tracing.export.otlp.endpoint=" + options.otlp);
        }
        Fleet fleet = new Fleet(Fleet.Settings.inRepository(root, workDir).withPorts(options.httpPort, options.backbonePort)
                .withArguments(arguments));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping the fleet…");
            fleet.close();
            stopped.countDown();
        }, "fleet-shutdown"));
        try {
            long started = System.nanoTime();
            // The page's demo controls (stop, start, loss): bin/demo is a demo, so they are on.
            fleet.enableDemoControls();
            System.out.printf("Starting the coordinator (embedded backbone on 127.0.0.1:%d)…%n", options.backbonePort);
            fleet.startCoordinator();
            System.out.println("Starting specialist-papers, specialist-fx, specialist-news…");
            fleet.startSpecialists();
            System.out.printf("All four healthy in %.1f s.%n%n", (System.nanoTime() - started) / 1e9);

            HttpResponse<String> answer = fleet.research(options.topic, "text/plain");
            System.out.println(answer.body());
            if (options.trace) {
                printTrace(traces, answer.body());
            }
            boolean complete = answer.statusCode() == 200 && !answer.body().contains("✗");
            printWhereNext(options, workDir);
            if (options.once) {
                return complete ? 0 : 1;
            }
            System.out.println("The fleet keeps running; Ctrl-C stops it.");
            stopped.await();
            return 0;
        } catch (RuntimeException e) {
            System.err.println("✗ " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** Waits for the research request's spans from all four processes (they export in batches), then prints the tree. */
    private static void printTrace(TraceCollector traces, String answer) throws InterruptedException {
        Matcher id = Pattern.compile("trace ([0-9a-f]{32})").matcher(answer);
        if (!id.find()) {
            System.out.println("(the answer names no trace)");
            return;
        }
        String traceId = id.group(1);
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline
                && traces.trace(traceId).stream().map(TraceCollector.Span::service).distinct().count() < 4) {
            Thread.sleep(250);
        }
        Thread.sleep(500); // the last batch's stragglers
        System.out.println(TraceTree.render(traceId, traces.trace(traceId)));
    }

    private static void printWhereNext(Options options, Path workDir) {
        String base = "http://localhost:" + options.httpPort;
        System.out.printf("""
                Open   %s/                     the page: the live mesh graph, charts, demo controls, research (waterfall, trace)
                       %s/actuator/pilot       the coordinator's node, peers, paths, RTTs
                Try    curl -s -XPOST -H 'Content-Type: application/json' -H 'Accept: text/plain' \\
                            -d '{"topic":"consensus"}' %s/research
                       curl -sN '%s/api/fx/series?base=USD&quote=JPY&from=2023-01-02&to=2023-01-06'
                       curl -s '%s/api/ask?q=What+is+new+on+attention,+in+USD'   (docs/ai.md: a model, if configured)
                       bin/pilotctl --node coordinator ping specialist-papers
                       bin/pilotctl --node coordinator find --capability fx.rate
                       bin/pilotctl --node coordinator skills 'papers.*'
                Logs   %s/*.log
                %n""", base, base, base, base, base, workDir);
    }

    /** What ports the fleet needs that something else holds. */
    private static List<String> busyPorts(Options options) {
        List<String> busy = new ArrayList<>();
        for (int port = options.httpPort; port <= options.httpPort + Fleet.PROFILES.size(); port++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress("0.0.0.0", port));
            } catch (IOException e) {
                busy.add("TCP port " + port + " is in use");
            }
        }
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", options.backbonePort))) {
            // free
        } catch (IOException e) {
            busy.add("UDP port " + options.backbonePort + " (the backbone's) is in use");
        }
        return busy;
    }

    /** The command line. */
    static final class Options {
        boolean once;
        String topic = "attention";
        int httpPort = 8080;
        int backbonePort = 7400;
        String otlp;
        boolean trace;
        boolean help;

        /** Unless told to send them elsewhere, the demo collects the fleet's traces itself, for the page. */
        boolean collectsTracesLocally() {
            return otlp == null;
        }

        static Options parse(String[] args) {
            Options options = new Options();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--once" -> options.once = true;
                    case "--topic" -> options.topic = value(args, ++i, "--topic");
                    case "--port" -> options.httpPort = port(value(args, ++i, "--port"), "--port");
                    case "--backbone-port" -> options.backbonePort = port(value(args, ++i, "--backbone-port"), "--backbone-port");
                    case "--otlp" -> options.otlp = url(value(args, ++i, "--otlp"));
                    case "--trace" -> options.trace = true;
                    case "-h", "--help" -> options.help = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (options.trace && options.otlp != null) {
                throw new IllegalArgumentException("--trace and --otlp exclude each other: traces go to one place");
            }
            if (options.topic.isBlank()) {
                throw new IllegalArgumentException("--topic must not be blank");
            }
            return options;
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[index];
        }

        private static int port(String value, String option) {
            try {
                int port = Integer.parseInt(value);
                if (port >= 1 && port <= 65_532) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException(option + " must be a port number 1..65532, was '" + value + "'");
        }

        private static String url(String value) {
            if (!value.startsWith("http://") && !value.startsWith("https://")) {
                throw new IllegalArgumentException("--otlp must be an http:// or https:// URL, was '" + value + "'");
            }
            return value;
        }
    }
}

package io.pilot.samples.fleet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The fleet's local trace collector, on loopback, with nothing to install: an OTLP/HTTP receiver
 * ({@code POST /v1/traces}, binary protobuf, read by {@link OtlpTraceExport} with the generated OpenTelemetry
 * classes) and a query API for the coordinator's page ({@code GET /traces/{traceId}}: the spans received so far, as
 * {@link TraceJson}). An export it cannot read is answered with a 4xx status and why, and stores nothing. It keeps
 * the latest {@value #MAX_TRACES} traces: {@code bin/demo} may run for days.
 */
public final class TraceCollector implements AutoCloseable {

    /** How many traces are kept; the oldest is dropped first. */
    static final int MAX_TRACES = 2_000;

    /** The most of a refused body read and thrown away before answering; beyond it the connection is closed. */
    private static final long DISCARD_LIMIT = 4L * OtlpTraceExport.MAX_BYTES;

    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

    /**
     * A span as far as this collector cares.
     *
     * @param traceId 32 hex digits
     * @param spanId 16 hex digits
     * @param parentId 16 hex digits, or empty for a root span
     * @param name the span's name
     * @param service the {@code service.name} of the process that recorded it
     * @param startNanos start, nanoseconds since the epoch
     * @param endNanos end, nanoseconds since the epoch
     */
    public record Span(String traceId, String spanId, String parentId, String name, String service, long startNanos,
            long endNanos) {

        public double millis() {
            return (endNanos - startNanos) / 1e6;
        }
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(2);
    /** Trace id → its spans, oldest trace first. */
    private final Map<String, List<Span>> traces = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Span>> eldest) {
            return size() > MAX_TRACES;
        }
    };

    public TraceCollector() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/traces", exchange -> handle(exchange, "POST", this::receive));
        server.createContext("/traces/", exchange -> handle(exchange, "GET", this::query));
        server.setExecutor(handlers);
        server.start();
    }

    /** Where to send traces: what {@code management.opentelemetry.tracing.export.otlp.endpoint} should say. */
    public String endpoint() {
        return base() + "/v1/traces";
    }

    /** Where to ask for a trace: {@code queryUrl() + "/" + traceId}; what the coordinator's {@code demo.traces-url} says. */
    public String queryUrl() {
        return base() + "/traces";
    }

    /** The spans of one trace received so far. */
    public List<Span> trace(String traceId) {
        synchronized (traces) {
            return List.copyOf(traces.getOrDefault(traceId, List.of()));
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void receive(HttpExchange exchange) throws IOException {
        List<Span> received;
        try {
            received = OtlpTraceExport.read(exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Content-Encoding"), declaredLength(exchange),
                    exchange.getRequestBody());
        } catch (OtlpTraceExport.Refused refused) {
            discardRest(exchange.getRequestBody());
            respond(exchange, refused.status(), "text/plain; charset=utf-8", refused.getMessage() + "\n");
            return;
        }
        synchronized (traces) {
            for (Span span : received) {
                traces.computeIfAbsent(span.traceId(), id -> new ArrayList<>()).add(span);
            }
        }
        // An empty ExportTraceServiceResponse: everything accepted.
        respond(exchange, 200, "application/x-protobuf", "");
    }

    private void query(HttpExchange exchange) throws IOException {
        String traceId = exchange.getRequestURI().getPath().substring("/traces/".length());
        if (!TRACE_ID.matcher(traceId).matches()) {
            respond(exchange, 400, "text/plain; charset=utf-8",
                    "a trace id is 32 lowercase hex digits, was '" + traceId + "'\n");
            return;
        }
        respond(exchange, 200, "application/json", TraceJson.write(traceId, trace(traceId)));
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private static void handle(HttpExchange exchange, String method, Handler handler) throws IOException {
        try {
            if (!exchange.getRequestMethod().equals(method)) {
                exchange.getResponseHeaders().set("Allow", method);
                respond(exchange, 405, "text/plain; charset=utf-8", "only " + method + " here\n");
                return;
            }
            handler.handle(exchange);
        } finally {
            exchange.close();
        }
    }

    /**
     * Reads what is left of a refused body, up to {@link #DISCARD_LIMIT}, so that the sender reads the refusal: closing
     * the exchange with much of the body unread resets the connection under a sender still writing it.
     */
    private static void discardRest(InputStream body) {
        byte[] buffer = new byte[64 * 1024];
        try {
            long left = DISCARD_LIMIT;
            int read;
            while (left > 0 && (read = body.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
                left -= read;
            }
        } catch (IOException e) {
            // read to its end and closed already, or the sender gave up: nothing left to discard
        }
    }

    private static long declaredLength(HttpExchange exchange) {
        try {
            String length = exchange.getRequestHeaders().getFirst("Content-Length");
            return length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}

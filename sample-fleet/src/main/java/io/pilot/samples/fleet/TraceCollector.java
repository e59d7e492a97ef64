package io.pilot.samples.fleet;

import com.sun.net.httpserver.HttpServer;
import java.util.Arrays;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A minimal OTLP/HTTP trace receiver ({@code POST /v1/traces}, protobuf): enough for {@code bin/demo --trace}
 * to print one request's trace across the fleet, and for the tests to see which services recorded spans of
 * which trace, with nothing to install. It reads the protobuf wire format directly: the few fields it needs
 * do not justify generated classes. A body it cannot read is answered 400 and changes nothing.
 */
public final class TraceCollector implements AutoCloseable {

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
    private final List<Span> spans = new CopyOnWriteArrayList<>();

    public TraceCollector() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/traces", exchange -> {
            try (InputStream body = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
                List<Span> received = new ArrayList<>();
                readRequest(body.readAllBytes(), received);
                spans.addAll(received);
                exchange.sendResponseHeaders(200, -1);
            } catch (IOException | RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** Where to send traces: what {@code management.opentelemetry.tracing.export.otlp.endpoint} should say. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    public List<Span> spans() {
        return List.copyOf(spans);
    }

    /** The spans of one trace received so far. */
    public List<Span> trace(String traceId) {
        return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    private static void readRequest(byte[] message, List<Span> into) {
        new Fields(message).forEach((field, value) -> {
            if (field == 1) {
                readResourceSpans((byte[]) value, into);
            }
        });
    }

    // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
    // Resource { repeated KeyValue attributes = 1; }  ScopeSpans { repeated Span spans = 2; }
    private static void readResourceSpans(byte[] message, List<Span> into) {
        String[] service = {"?"};
        List<byte[]> scopes = new ArrayList<>();
        new Fields(message).forEach((field, value) -> {
            if (field == 1) {
                new Fields((byte[]) value).forEach((attribute, keyValue) -> {
                    if (attribute == 1) {
                        String[] pair = keyValue((byte[]) keyValue);
                        if ("service.name".equals(pair[0]) && pair[1] != null) {
                            service[0] = pair[1];
                        }
                    }
                });
            } else if (field == 2) {
                scopes.add((byte[]) value);
            }
        });
        for (byte[] scope : scopes) {
            new Fields(scope).forEach((field, value) -> {
                if (field == 2) {
                    into.add(span((byte[]) value, service[0]));
                }
            });
        }
    }

    // KeyValue { string key = 1; AnyValue value = 2; }  AnyValue { string string_value = 1; ... }
    private static String[] keyValue(byte[] message) {
        String[] pair = new String[2];
        new Fields(message).forEach((field, value) -> {
            if (field == 1) {
                pair[0] = utf8(value);
            } else if (field == 2) {
                new Fields((byte[]) value).forEach((kind, v) -> {
                    if (kind == 1) {
                        pair[1] = utf8(v);
                    }
                });
            }
        });
        return pair;
    }

    // Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5;
    //        fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8; ... }
    private static Span span(byte[] message, String service) {
        Object[] fields = new Object[9];
        new Fields(message).forEach((field, value) -> {
            if (field < fields.length) {
                fields[field] = value;
            }
        });
        return new Span(hex(fields[1]), hex(fields[2]), hex(fields[4]), fields[5] == null ? "" : utf8(fields[5]), service,
                fields[7] == null ? 0 : (Long) fields[7], fields[8] == null ? 0 : (Long) fields[8]);
    }

    private static String hex(Object bytes) {
        return bytes instanceof byte[] b ? HexFormat.of().formatHex(b) : "";
    }

    private static String utf8(Object bytes) {
        return bytes instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : "";
    }

    /** The fields of one protobuf message: length-delimited ones as byte arrays, fixed64 as longs, the others skipped. */
    private record Fields(byte[] message) {

        interface Visitor {
            void field(int number, Object value);
        }

        void forEach(Visitor visitor) {
            int[] at = {0};
            while (at[0] < message.length) {
                long tag = varint(at);
                int number = (int) (tag >>> 3);
                switch ((int) (tag & 7)) {
                    case 0 -> varint(at);
                    case 1 -> {
                        need(at, 8, number);
                        visitor.field(number, ByteBuffer.wrap(message, at[0], 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
                        at[0] += 8;
                    }
                    case 5 -> {
                        need(at, 4, number);
                        at[0] += 4;
                    }
                    case 2 -> {
                        long length = varint(at);
                        need(at, length, number);
                        byte[] value = Arrays.copyOfRange(message, at[0], at[0] + (int) length);
                        at[0] += (int) length;
                        visitor.field(number, value);
                    }
                    default -> throw new IllegalArgumentException("unsupported protobuf wire type in field " + number);
                }
            }
        }

        private void need(int[] at, long length, int number) {
            if (length < 0 || length > message.length - at[0]) {
                throw new IllegalArgumentException("truncated protobuf field " + number);
            }
        }

        private long varint(int[] at) {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (at[0] >= message.length) {
                    throw new IllegalArgumentException("truncated varint");
                }
                byte b = message[at[0]++];
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("varint too long");
        }
    }
}

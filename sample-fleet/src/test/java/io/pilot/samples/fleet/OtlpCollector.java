package io.pilot.samples.fleet;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A minimal OTLP/HTTP trace receiver ({@code POST /v1/traces}, protobuf), enough to see which services
 * recorded spans of which trace. It reads the protobuf wire format directly: the few fields it needs do not
 * justify the generated classes.
 */
final class OtlpCollector implements AutoCloseable {

    /** A span as far as this collector cares: its trace, its name, and the service that recorded it. */
    record Span(String traceId, String name, String service) {
    }

    private final HttpServer server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();

    OtlpCollector() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/traces", exchange -> {
            try (InputStream body = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
                readRequest(body.readAllBytes());
                exchange.sendResponseHeaders(200, -1);
            } catch (RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    List<Span> spans() {
        return List.copyOf(spans);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    private void readRequest(byte[] message) {
        new Fields(message).forEach((field, value) -> {
            if (field == 1) {
                readResourceSpans((byte[]) value);
            }
        });
    }

    // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
    // Resource { repeated KeyValue attributes = 1; }  ScopeSpans { repeated Span spans = 2; }
    private void readResourceSpans(byte[] message) {
        String[] service = {null};
        List<byte[]> scopes = new CopyOnWriteArrayList<>();
        new Fields(message).forEach((field, value) -> {
            if (field == 1) {
                new Fields((byte[]) value).forEach((attribute, keyValue) -> {
                    if (attribute == 1) {
                        String[] pair = keyValue((byte[]) keyValue);
                        if ("service.name".equals(pair[0])) {
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
                    spans.add(span((byte[]) value, service[0]));
                }
            });
        }
    }

    // KeyValue { string key = 1; AnyValue value = 2; }  AnyValue { string string_value = 1; ... }
    private static String[] keyValue(byte[] message) {
        String[] pair = new String[2];
        new Fields(message).forEach((field, value) -> {
            if (field == 1) {
                pair[0] = new String((byte[]) value, StandardCharsets.UTF_8);
            } else if (field == 2) {
                new Fields((byte[]) value).forEach((kind, v) -> {
                    if (kind == 1) {
                        pair[1] = new String((byte[]) v, StandardCharsets.UTF_8);
                    }
                });
            }
        });
        return pair;
    }

    // Span { bytes trace_id = 1; bytes span_id = 2; ... string name = 5; ... }
    private static Span span(byte[] message, String service) {
        String[] traceAndName = new String[2];
        new Fields(message).forEach((field, value) -> {
            if (field == 1) {
                traceAndName[0] = HexFormat.of().formatHex((byte[]) value);
            } else if (field == 5) {
                traceAndName[1] = new String((byte[]) value, StandardCharsets.UTF_8);
            }
        });
        return new Span(traceAndName[0], traceAndName[1], service);
    }

    /** The fields of one protobuf message: length-delimited ones as byte arrays, the others skipped. */
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
                    case 1 -> at[0] += 8;
                    case 5 -> at[0] += 4;
                    case 2 -> {
                        int length = (int) varint(at);
                        if (length < 0 || at[0] + length > message.length) {
                            throw new IllegalArgumentException("truncated protobuf field " + number);
                        }
                        byte[] value = java.util.Arrays.copyOfRange(message, at[0], at[0] + length);
                        at[0] += length;
                        visitor.field(number, value);
                    }
                    default -> throw new IllegalArgumentException("unsupported protobuf wire type in field " + number);
                }
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

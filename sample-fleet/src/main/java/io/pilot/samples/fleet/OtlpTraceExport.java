package io.pilot.samples.fleet;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * One OTLP/HTTP trace export ({@code POST /v1/traces}) read into {@link TraceCollector.Span}s with the generated
 * OpenTelemetry protobuf classes. Only the binary protobuf encoding is read: it is what the fleet's exporters send
 * (Spring Boot's OTLP/HTTP span exporter has no JSON mode). Anything else is refused whole, with the HTTP status
 * and the words to answer, so that a bad export stores nothing.
 */
final class OtlpTraceExport {

    /** The largest export read, compressed or not: a batch of 512 spans is a few hundred kilobytes. */
    static final int MAX_BYTES = 8 * 1024 * 1024;

    private OtlpTraceExport() {
    }

    /** Why an export is refused: an HTTP status and a sentence for the sender. */
    static final class Refused extends Exception {

        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /**
     * The spans of one export.
     *
     * @param contentType the request's {@code Content-Type}, possibly null
     * @param contentEncoding the request's {@code Content-Encoding} ({@code gzip} or none), possibly null
     * @param declaredLength the request's {@code Content-Length}, or -1 if not given (chunked)
     * @param body the request body
     */
    static List<TraceCollector.Span> read(String contentType, String contentEncoding, long declaredLength, InputStream body)
            throws Refused, IOException {
        requireProtobuf(contentType);
        if (declaredLength > MAX_BYTES) {
            throw tooLarge();
        }
        byte[] bytes = bounded(decoded(contentEncoding, body));
        ExportTraceServiceRequest request;
        try {
            request = ExportTraceServiceRequest.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new Refused(400, "not an OTLP ExportTraceServiceRequest in protobuf: " + e.getMessage());
        }
        return spans(request);
    }

    private static void requireProtobuf(String contentType) throws Refused {
        String type = contentType == null ? "" : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals("application/x-protobuf") && !type.equals("application/protobuf")) {
            throw new Refused(415, "Content-Type " + (type.isEmpty() ? "missing" : "'" + type + "'")
                    + ": this receiver reads OTLP/HTTP in binary protobuf only (Content-Type: application/x-protobuf)");
        }
    }

    private static InputStream decoded(String contentEncoding, InputStream body) throws Refused, IOException {
        String encoding = contentEncoding == null ? "" : contentEncoding.strip().toLowerCase(Locale.ROOT);
        return switch (encoding) {
            case "", "identity" -> body;
            case "gzip" -> {
                try {
                    yield new GZIPInputStream(body);
                } catch (IOException e) {
                    throw new Refused(400, "Content-Encoding gzip, but the body is not gzip: " + e.getMessage());
                }
            }
            default -> throw new Refused(415, "Content-Encoding '" + encoding + "' is not read here (gzip or none)");
        };
    }

    /** The whole body, refused once it passes {@link #MAX_BYTES} (after decompression too: a small bomb stays small). */
    private static byte[] bounded(InputStream body) throws Refused {
        try (body) {
            byte[] bytes = body.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw tooLarge();
            }
            return bytes;
        } catch (IOException e) {
            throw new Refused(400, "the body could not be read: " + e.getMessage());
        }
    }

    private static Refused tooLarge() {
        return new Refused(413, "the export is larger than " + MAX_BYTES / (1024 * 1024) + " MiB: send smaller batches");
    }

    /**
     * Every span of the request, each with its process's {@code service.name}; refused whole if any span's ids are not
     * what OTLP requires (a 16-byte trace id, an 8-byte span id, an empty or 8-byte parent id), which is also what
     * tells stray bytes that happen to parse as protobuf from an export.
     */
    private static List<TraceCollector.Span> spans(ExportTraceServiceRequest request) throws Refused {
        if (request.getResourceSpansCount() == 0 && !request.getUnknownFields().asMap().isEmpty()) {
            throw new Refused(400, "not an OTLP ExportTraceServiceRequest: no resource spans, only unknown fields");
        }
        List<TraceCollector.Span> spans = new ArrayList<>();
        for (ResourceSpans resource : request.getResourceSpansList()) {
            String service = serviceName(resource.getResource());
            for (ScopeSpans scope : resource.getScopeSpansList()) {
                for (Span span : scope.getSpansList()) {
                    spans.add(span(span, service));
                }
            }
        }
        return spans;
    }

    private static TraceCollector.Span span(Span span, String service) throws Refused {
        String name = span.getName();
        requireLength(span.getTraceId(), 16, "trace_id", name);
        requireLength(span.getSpanId(), 8, "span_id", name);
        if (!span.getParentSpanId().isEmpty()) {
            requireLength(span.getParentSpanId(), 8, "parent_span_id", name);
        }
        return new TraceCollector.Span(hex(span.getTraceId()), hex(span.getSpanId()), hex(span.getParentSpanId()), name,
                service, span.getStartTimeUnixNano(), span.getEndTimeUnixNano());
    }

    private static void requireLength(ByteString id, int bytes, String field, String span) throws Refused {
        if (id.size() != bytes) {
            throw new Refused(400, "span '" + span + "': " + field + " has " + id.size() + " bytes, OTLP requires " + bytes);
        }
    }

    private static String serviceName(Resource resource) {
        return resource.getAttributesList().stream().filter(attribute -> attribute.getKey().equals("service.name"))
                .map(KeyValue::getValue).filter(value -> value.hasStringValue()).map(value -> value.getStringValue())
                .findFirst().orElse("?");
    }

    private static String hex(ByteString bytes) {
        return HexFormat.of().formatHex(bytes.toByteArray());
    }
}

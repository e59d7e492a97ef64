package io.pilot.samples.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

import com.google.protobuf.ByteString;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The local trace collector over real HTTP on loopback: exports built with the generated OpenTelemetry classes, as
 * the fleet's exporters send them, are stored and served back as a tree; exports it cannot read are refused with a
 * status and why, and store nothing.
 */
class TraceCollectorTests {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final long START = 1_700_000_000_000_000_000L;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final TraceCollector collector;

    TraceCollectorTests() throws IOException {
        collector = new TraceCollector();
    }

    @AfterEach
    void close() {
        collector.close();
    }

    @Test
    void anExportFromTwoProcessesIsStoredAndServedAsOneTree() throws Exception {
        ExportTraceServiceRequest export = ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(resource("coordinator",
                        span(TRACE, "00f067aa0ba902b7", "", "http post /research", 0, 40_000_000),
                        span(TRACE, "00f067aa0ba902b8", "00f067aa0ba902b7", "fx-rate", 2_000_000, 30_000_000)))
                .addResourceSpans(resource("specialist-fx",
                        span(TRACE, "00f067aa0ba902b9", "00f067aa0ba902b8", "fx.rate", 5_000_000, 20_000_000)))
                .build();

        HttpResponse<String> accepted = post(export.toByteArray(), "application/x-protobuf", null);

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(collector.trace(TRACE)).extracting(TraceCollector.Span::service)
                .containsExactlyInAnyOrder("coordinator", "coordinator", "specialist-fx");
        JsonNode trace = JsonMapper.builder().build().readTree(get("/traces/" + TRACE).body());
        assertThat(trace.path("traceId").asString()).isEqualTo(TRACE);
        assertThat(trace.path("services").toString()).isEqualTo("[\"coordinator\",\"specialist-fx\"]");
        List<String> rows = new ArrayList<>();
        trace.path("spans").forEach(span -> rows.add(span.path("depth").asInt() + " " + span.path("service").asString() + " "
                + span.path("name").asString() + " +" + span.path("startMillis").asDouble() + " " + span.path("millis").asDouble()));
        assertThat(rows).containsExactly("0 coordinator http post /research +0.0 40.0", "1 coordinator fx-rate +2.0 28.0",
                "2 specialist-fx fx.rate +5.0 15.0");
    }

    @Test
    void aGzippedExportIsReadToo() throws Exception {
        byte[] export = request(span(TRACE, "00f067aa0ba902b7", "", "gzipped", 0, 1_000_000)).toByteArray();
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write(export);
        }

        HttpResponse<String> accepted = post(zipped.toByteArray(), "application/x-protobuf", "gzip");

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(collector.trace(TRACE)).extracting(TraceCollector.Span::name).containsExactly("gzipped");
    }

    @Test
    void exportsItCannotReadAreRefusedSayingWhyAndStoreNothing() throws Exception {
        byte[] good = request(span(TRACE, "00f067aa0ba902b7", "", "root", 0, 1_000_000),
                span(TRACE, "00f067aa0ba902b8", "00f067aa0ba902b7", "child", 0, 1_000_000)).toByteArray();

        assertRefused(post(Arrays.copyOf(good, good.length - 5), "application/x-protobuf", null), 400,
                "not an OTLP ExportTraceServiceRequest in protobuf");
        assertRefused(post("this is not protobuf".getBytes(StandardCharsets.UTF_8), "application/x-protobuf", null), 400,
                "not an OTLP ExportTraceServiceRequest");
        assertRefused(post(request(span(TRACE, "00f067aa", "", "short span id", 0, 1)).toByteArray(),
                "application/x-protobuf", null), 400, "span 'short span id': span_id has 4 bytes, OTLP requires 8");
        assertRefused(post("{\"resourceSpans\":[]}".getBytes(StandardCharsets.UTF_8), "application/json", null), 415,
                "Content-Type 'application/json': this receiver reads OTLP/HTTP in binary protobuf only");
        assertRefused(post(good, null, null), 415, "Content-Type missing");
        assertRefused(post(good, "application/x-protobuf", "gzip"), 400, "Content-Encoding gzip, but the body is not gzip");
        assertRefused(post(good, "application/x-protobuf", "br"), 415, "Content-Encoding 'br' is not read here");
        assertRefused(post(new byte[OtlpTraceExport.MAX_BYTES + 1], "application/x-protobuf", null), 413,
                "larger than 8 MiB");
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bomb)) {
            gzip.write(new byte[OtlpTraceExport.MAX_BYTES + 1]);
        }
        assertRefused(post(bomb.toByteArray(), "application/x-protobuf", "gzip"), 413, "larger than 8 MiB");

        assertThat(collector.trace(TRACE)).isEmpty();
        // The collector still takes a good export afterwards.
        assertThat(post(good, "application/x-protobuf", null).statusCode()).isEqualTo(200);
        assertThat(collector.trace(TRACE)).hasSize(2);
    }

    @Test
    void theQueryApiRefusesWhatIsNotATraceIdAndTheReceiverOnlyTakesPost() throws Exception {
        assertRefused(get("/traces/..%2F..%2Fetc"), 400, "a trace id is 32 lowercase hex digits");
        assertRefused(get("/v1/traces"), 405, "only POST here");
        HttpResponse<String> unknown = get("/traces/" + "0".repeat(32));
        assertThat(unknown.statusCode()).isEqualTo(200);
        assertThat(unknown.body()).isEqualTo("{\"traceId\":\"" + "0".repeat(32) + "\",\"services\":[],\"spans\":[]}");
    }

    private static void assertRefused(HttpResponse<String> response, int status, String why) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).contains(why);
    }

    private HttpResponse<String> post(byte[] body, String contentType, String contentEncoding) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(collector.endpoint())).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (contentEncoding != null) {
            request.header("Content-Encoding", contentEncoding);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        URI base = URI.create(collector.endpoint());
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static ExportTraceServiceRequest request(Span... spans) {
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(resource("coordinator", spans)).build();
    }

    private static ResourceSpans resource(String service, Span... spans) {
        return ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                        .setValue(AnyValue.newBuilder().setStringValue(service))))
                .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans)))
                .build();
    }

    private static Span span(String traceId, String spanId, String parentId, String name, long startOffset, long endOffset) {
        return Span.newBuilder().setTraceId(bytes(traceId)).setSpanId(bytes(spanId)).setParentSpanId(bytes(parentId))
                .setName(name).setStartTimeUnixNano(START + startOffset).setEndTimeUnixNano(START + endOffset).build();
    }

    private static ByteString bytes(String hex) {
        return ByteString.copyFrom(HexFormat.of().parseHex(hex));
    }
}

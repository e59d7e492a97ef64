package io.pilot.benchmarks.boot;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.pilot.spring.PilotClient;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

import tools.jackson.databind.json.JsonMapper;

/**
 * The caller's ways to the provider's echo, by name: {@code pilot} ({@link PilotClient#call} on the
 * capability, anycast through the mesh), {@code pilot-on-loop} (the same to the capability that runs on the provider's
 * event loop), {@code http} ({@link RestClient} to the provider's {@code /echo}, HTTP/1.1
 * keep-alive) and {@code nats} (request-reply through {@code nats-server}; only when {@code bench.nats-url} is set).
 */
@Profile("caller")
@Component
public class Contenders implements DisposableBean {

    /** As long as Pilot's default request timeout, so that no contender gives up sooner than another. */
    private static final Duration NATS_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, EchoCall> calls = new LinkedHashMap<>();
    private final Connection nats;

    public Contenders(PilotClient pilot, JsonMapper json, @Value("${bench.provider-url}") String providerUrl,
            @Value("${bench.nats-url:}") String natsUrl, @Value("${pilot.hostname}") String hostname) {
        calls.put("pilot", request -> pilot.call(Echo.NAME, request, EchoReply.class));
        calls.put("pilot-on-loop", request -> pilot.call(Echo.ON_LOOP, request, EchoReply.class));
        RestClient http = RestClient.builder().baseUrl(providerUrl)
                .requestFactory(new JdkClientHttpRequestFactory(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()))
                .build();
        calls.put("http", request -> http.post().uri("/echo").body(request).retrieve().body(EchoReply.class));
        if (natsUrl.isBlank()) {
            nats = null;
        } else {
            nats = NatsConnections.open(natsUrl, hostname);
            calls.put("nats", request -> {
                Message reply = nats.request(Echo.NAME, json.writeValueAsBytes(request), NATS_TIMEOUT);
                if (reply == null) {
                    throw new TimeoutException("no NATS reply within " + NATS_TIMEOUT);
                }
                return json.readValue(reply.getData(), EchoReply.class);
            });
        }
    }

    /** The contender of that name; throws {@link IllegalArgumentException} naming those there are. */
    public EchoCall get(String name) {
        EchoCall call = calls.get(name);
        if (call == null) {
            throw new IllegalArgumentException("no contender '" + name + "'; there are " + calls.keySet());
        }
        return call;
    }

    @Override
    public void destroy() throws InterruptedException {
        if (nats != null) {
            nats.close();
        }
    }
}

package io.pilot.benchmarks.boot;

import io.nats.client.Connection;
import io.nats.client.Message;

import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/**
 * The echo as NATS request-reply: subscribed to {@value Echo#NAME} on the broker named by {@code bench.nats-url},
 * answering on the message's reply subject with the same JSON the other two doors answer. Absent when no broker is
 * configured (the runner found no {@code nats-server}).
 */
@Profile("provider")
@ConditionalOnProperty("bench.nats-url")
@Component
public class NatsEchoResponder implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(NatsEchoResponder.class);

    private final Connection connection;

    public NatsEchoResponder(Echo echo, JsonMapper json, @Value("${bench.nats-url}") String url,
            @Value("${pilot.hostname}") String hostname) {
        this.connection = NatsConnections.open(url, hostname);
        // The dispatcher's one thread answers inline, as a NATS responder usually does for work this small.
        connection.createDispatcher(message -> reply(message, echo, json)).subscribe(Echo.NAME);
    }

    private void reply(Message message, Echo echo, JsonMapper json) {
        if (message.getReplyTo() == null) {
            log.warn("dropped a {} message without a reply subject", Echo.NAME);
            return;
        }
        byte[] answer;
        try {
            answer = json.writeValueAsBytes(echo.answer(json.readValue(message.getData(), EchoRequest.class)));
        } catch (RuntimeException e) {
            answer = ("{\"error\":\"" + e.getClass().getSimpleName() + "\"}").getBytes(StandardCharsets.UTF_8);
        }
        connection.publish(message.getReplyTo(), answer);
    }

    @Override
    public void destroy() throws InterruptedException {
        connection.close();
    }
}

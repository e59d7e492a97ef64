package io.pilot.spring.client;

import io.pilot.engine.PilotNode;
import io.pilot.engine.message.BlockingItems;
import io.pilot.spring.CapabilityCall;
import io.pilot.spring.PilotReply;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.springframework.core.ParameterizedTypeReference;

import reactor.core.publisher.Flux;

/** The {@link CapabilityCall} of a {@link DefaultPilotClient}: immutable options, made by the client. */
final class DefaultCapabilityCall implements CapabilityCall {

    private final DefaultPilotClient client;
    private final CallOptions options;

    DefaultCapabilityCall(DefaultPilotClient client, CallOptions options) {
        this.client = client;
        this.options = options;
    }

    @Override
    public CapabilityCall to(String hostnameOrAddress) {
        return new DefaultCapabilityCall(client, options.to(hostnameOrAddress));
    }

    @Override
    public CapabilityCall inGroup(String group) {
        return new DefaultCapabilityCall(client, options.inGroup(group));
    }

    @Override
    public CapabilityCall timeout(Duration timeout) {
        return new DefaultCapabilityCall(client, options.timeout(timeout));
    }

    @Override
    public CapabilityCall deadline(Duration deadline) {
        return new DefaultCapabilityCall(client, options.deadline(deadline));
    }

    @Override
    public CapabilityCall header(String name, String value) {
        return new DefaultCapabilityCall(client, options.header(name, value));
    }

    @Override
    public <T> T call(Object request, Class<T> responseType) {
        return this.<T>await(request, responseType);
    }

    @Override
    public <T> T call(Object request, ParameterizedTypeReference<T> responseType) {
        return this.<T>await(request, responseType.getType());
    }

    @Override
    public <T> CompletableFuture<T> callAsync(Object request, Class<T> responseType) {
        return client.<T>pending(options, request, responseType).asyncBody();
    }

    @Override
    public <T> CompletableFuture<T> callAsync(Object request, ParameterizedTypeReference<T> responseType) {
        return client.<T>pending(options, request, responseType.getType()).asyncBody();
    }

    @Override
    public <T> CompletableFuture<PilotReply<T>> exchange(Object request, Class<T> responseType) {
        return send(request, responseType);
    }

    @Override
    public <T> CompletableFuture<PilotReply<T>> exchange(Object request, ParameterizedTypeReference<T> responseType) {
        return send(request, responseType.getType());
    }

    @Override
    public <T> Flux<T> stream(Object request, Class<T> itemType) {
        return FluxResults.of(client.streamed(options, request, itemType));
    }

    @Override
    public <T> Flux<T> stream(Object request, ParameterizedTypeReference<T> itemType) {
        return FluxResults.of(client.streamed(options, request, itemType.getType()));
    }

    @Override
    public <T> BlockingItems<T> streamItems(Object request, Class<T> itemType) {
        return new BlockingItems<>(client.<T>streamed(options, request, itemType), PilotNode.DEFAULT_STREAM_WINDOW);
    }

    @Override
    public <T> BlockingItems<T> streamItems(Object request, ParameterizedTypeReference<T> itemType) {
        return new BlockingItems<>(client.<T>streamed(options, request, itemType.getType()), PilotNode.DEFAULT_STREAM_WINDOW);
    }

    private <T> T await(Object request, Type responseType) {
        return client.<T>awaitReply(options, request, responseType).body();
    }

    private <T> CompletableFuture<PilotReply<T>> send(Object request, Type responseType) {
        return client.<T>pending(options, request, responseType).async();
    }
}

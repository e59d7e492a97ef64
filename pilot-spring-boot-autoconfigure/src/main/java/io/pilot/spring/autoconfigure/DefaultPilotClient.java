package io.pilot.spring.autoconfigure;

import io.pilot.engine.ErrorCode;
import io.pilot.engine.Headers;
import io.pilot.engine.Message;
import io.pilot.engine.PilotException;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.group.AnycastReply;
import io.pilot.engine.group.BroadcastResult;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotRemoteException;
import io.pilot.spring.capability.CapabilityProtocol;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link PilotClient} of the auto-configuration: JSON through the application's mapper, discovery and
 * anycast through the directory, every call straight to the provider.
 */
final class DefaultPilotClient implements PilotClient {

    private final PilotRuntime runtime;
    private final JsonMapper mapper;

    DefaultPilotClient(PilotRuntime runtime, JsonMapper mapper) {
        this.runtime = runtime;
        this.mapper = mapper;
    }

    @Override
    public <T> T call(String capability, Object request, Class<T> responseType) {
        return join(callAsync(capability, request, responseType));
    }

    @Override
    public <T> CompletableFuture<T> callAsync(String capability, Object request, Class<T> responseType) {
        return runtime.messaging().anycast(capability, CapabilityProtocol.PORT, encode(capability, request))
                .thenApply(AnycastReply::reply)
                .handle((reply, error) -> decode(capability, reply, error, responseType));
    }

    @Override
    public <T> T call(String hostnameOrAddress, String capability, Object request, Class<T> responseType) {
        return join(callAsync(hostnameOrAddress, capability, request, responseType));
    }

    @Override
    public <T> CompletableFuture<T> callAsync(String hostnameOrAddress, String capability, Object request,
            Class<T> responseType) {
        return runtime.directory().request(hostnameOrAddress, CapabilityProtocol.PORT, encode(capability, request))
                .handle((reply, error) -> decode(capability, reply, error, responseType));
    }

    @Override
    public Duration ping(String hostnameOrAddress) {
        return join(runtime.directory().resolve(hostnameOrAddress).thenCompose(runtime.node()::ping)
                .handle((rtt, error) -> {
                    if (error != null) {
                        throw failure("ping " + hostnameOrAddress, error);
                    }
                    return rtt;
                }));
    }

    @Override
    public BroadcastResult broadcast(String group, Object message) {
        Message body = Message.of(mapper.writeValueAsBytes(message)).with(Headers.CONTENT_TYPE, CapabilityProtocol.JSON);
        return join(runtime.messaging().broadcast(group, CapabilityProtocol.BROADCAST_PORT, body));
    }

    @Override
    public List<NodeRecord> find(String capability) {
        return join(runtime.directory().find(capability));
    }

    private Message encode(String capability, Object request) {
        byte[] body = request == null ? new byte[0] : mapper.writeValueAsBytes(request);
        return Message.of(body).with(Headers.CAPABILITY, capability).with(Headers.CONTENT_TYPE, CapabilityProtocol.JSON);
    }

    private <T> T decode(String capability, Message reply, Throwable error, Class<T> responseType) {
        if (error != null) {
            throw failure(capability, error);
        }
        if (responseType == Void.class || responseType == void.class || reply.body().length == 0) {
            return null;
        }
        return mapper.readValue(reply.body(), responseType);
    }

    private static PilotRemoteException failure(String what, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof PilotRemoteException remote) {
            return remote;
        }
        if (cause instanceof PilotException pilot) {
            return new PilotRemoteException(pilot.code(), what + ": " + pilot.getMessage(), pilot);
        }
        if (cause instanceof DirectoryException directory) {
            return new PilotRemoteException(ErrorCode.UNREACHABLE, what + ": " + directory.getMessage(), directory);
        }
        return new PilotRemoteException(ErrorCode.REMOTE_FAILURE, what + ": " + cause.getMessage(), cause);
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PilotRemoteException(ErrorCode.TIMEOUT, "interrupted while waiting for a reply", e);
        } catch (ExecutionException e) {
            throw failure("call", e.getCause());
        }
    }
}

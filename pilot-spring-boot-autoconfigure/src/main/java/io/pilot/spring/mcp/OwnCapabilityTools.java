package io.pilot.spring.mcp;

import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.PilotException;
import io.pilot.spring.PilotRemoteException;
import io.pilot.spring.capability.CapabilityMethod;
import io.pilot.spring.capability.CapabilityProtocol;
import io.pilot.spring.capability.CapabilityRegistry;
import io.pilot.spring.runtime.PilotRuntime;
import io.pilot.spring.tools.LocalTool;
import io.pilot.spring.tools.MeshTool;
import io.pilot.spring.tools.MeshToolException;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * This application's own {@code @Capability} methods as tools ({@code pilot.mcp.own-capabilities}). A call is served
 * in process by the agent's capability dispatcher, as a request from the mesh is: the same schema validation, typed
 * errors, limits of calls in progress and observations; the caller a capability sees is this agent itself. Capabilities
 * that stream are left out (a tool answers once). The tools are those of the registry when the agent started: an
 * application's capabilities do not change while it runs.
 */
public final class OwnCapabilityTools implements McpToolSource {

    private static final Logger log = LoggerFactory.getLogger(OwnCapabilityTools.class);

    private final CapabilityRegistry registry;
    private final PilotRuntime runtime;
    private final JsonMapper mapper;
    private volatile Map<String, Own> tools;

    public OwnCapabilityTools(CapabilityRegistry registry, PilotRuntime runtime, JsonMapper mapper) {
        this.registry = registry;
        this.runtime = runtime;
        this.mapper = mapper;
    }

    @Override
    public List<MeshTool> tools() {
        return byName().values().stream().map(own -> own.tool().tool()).toList();
    }

    @Override
    public CompletableFuture<String> call(String name, String arguments) {
        Own own = byName().get(name);
        if (own == null) {
            return CompletableFuture.failedFuture(new MeshToolException(name, ErrorCode.NOT_FOUND,
                    "NOT_FOUND: this application has no tool '" + name + "'", null));
        }
        JsonNode argument;
        try {
            argument = own.tool().argument(mapper.readTree(arguments));
        } catch (JacksonException e) {
            return CompletableFuture.failedFuture(new MeshToolException(name, ErrorCode.INVALID_ARGUMENT,
                    "INVALID_ARGUMENT for '" + name + "': the arguments are not JSON: " + e.getOriginalMessage(), e));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new MeshToolException(name, ErrorCode.INVALID_ARGUMENT,
                    "INVALID_ARGUMENT for '" + name + "': " + e.getMessage(), e));
        }
        String capability = own.method().name();
        Message request = Message.of(mapper.writeValueAsBytes(argument)).with(Headers.CAPABILITY, capability)
                .with(Headers.CONTENT_TYPE, CapabilityProtocol.JSON);
        CompletableFuture<Message> reply;
        try {
            reply = runtime.capabilityDispatcher().handle(new IncomingMessage(runtime.address(),
                    runtime.node().publicKey(), CapabilityProtocol.PORT, request, true)).toCompletableFuture();
        } catch (RuntimeException notRunning) {
            return CompletableFuture.failedFuture(new MeshToolException(name, ErrorCode.UNAVAILABLE,
                    "UNAVAILABLE: the agent is not running, so '" + name + "' cannot be called", notRunning));
        }
        long timeout = runtime.requestTimeout().toMillis();
        return reply.orTimeout(timeout, TimeUnit.MILLISECONDS).handle((answer, failure) -> {
            if (failure == null) {
                return answer.body().length == 0 ? null : new String(answer.body(), StandardCharsets.UTF_8);
            }
            throw failed(name, capability, failure instanceof CompletionException ? failure.getCause() : failure, timeout);
        });
    }

    private static MeshToolException failed(String name, String capability, Throwable failure, long timeout) {
        if (failure instanceof TimeoutException) {
            return new MeshToolException(name, ErrorCode.TIMEOUT, "TIMEOUT from '" + name + "': no answer within " + timeout + " ms", failure);
        }
        if (failure instanceof PilotException pilot) {
            return MeshToolException.from(name, PilotRemoteException.from(capability, pilot));
        }
        log.warn("MCP tool '{}' failed; its caller is told INTERNAL", name, failure);
        return new MeshToolException(name, ErrorCode.INTERNAL, "INTERNAL from '" + name + "': the call failed; the MCP server's log has the details", failure);
    }

    /** No change to follow: the registry is complete once the agent runs. */
    @Override
    public void onChange(Runnable listener) {
    }

    private Map<String, Own> byName() {
        Map<String, Own> known = tools;
        if (known == null) {
            Map<String, Own> built = new LinkedHashMap<>();
            String hostname = runtime.hostname();
            for (CapabilityMethod method : registry.all()) {
                if (!method.streams()) {
                    LocalTool tool = LocalTool.of(method.name(), method.description(), method.schema(), hostname, mapper);
                    built.put(tool.tool().name(), new Own(method, tool));
                }
            }
            tools = known = Collections.unmodifiableMap(built);
        }
        return known;
    }

    private record Own(CapabilityMethod method, LocalTool tool) {
    }
}

package io.pilot.spring.autoconfigure.mcp;

import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.autoconfigure.PilotConfigurationException;
import io.pilot.spring.autoconfigure.PilotJsonMapper;
import io.pilot.spring.autoconfigure.tools.PilotToolsAutoConfiguration;
import io.pilot.spring.capability.CapabilityRegistry;
import io.pilot.spring.mcp.McpToolBridge;
import io.pilot.spring.mcp.McpToolResults;
import io.pilot.spring.mcp.McpToolSource;
import io.pilot.spring.mcp.MeshCatalogTools;
import io.pilot.spring.mcp.OriginCheck;
import io.pilot.spring.mcp.OwnCapabilityTools;
import io.pilot.spring.runtime.PilotRuntime;
import io.pilot.spring.tools.MeshToolCatalog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

import tools.jackson.databind.json.JsonMapper;

/**
 * Serves capabilities as MCP tools over MCP's streamable HTTP transport at {@code pilot.mcp.path} (default
 * {@code /mcp}) of the application's servlet web server, with the MCP Java SDK: the mesh's (as the
 * {@link MeshToolCatalog} selects them, {@code pilot.tools.*}) and, with {@code pilot.mcp.own-capabilities}, the
 * application's own. Off unless {@code pilot.mcp.enabled}. The tools follow the directory from the start of the agent:
 * each change reaches connected clients as {@code notifications/tools/list_changed}.
 *
 * <p>The SDK's own check of arguments against a tool's input schema is off: the catalog checks them before anything is
 * sent, and the provider again before its method runs, both naming the field and the rule broken.
 */
@AutoConfiguration(after = {PilotAutoConfiguration.class, PilotToolsAutoConfiguration.class})
@ConditionalOnClass({McpSyncServer.class, HttpServletStreamableServerTransportProvider.class, JacksonMcpJsonMapper.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty("pilot.mcp.enabled")
@ConditionalOnBean(PilotRuntime.class)
@EnableConfigurationProperties(PilotMcpProperties.class)
public final class PilotMcpAutoConfiguration {

    /** Boot's {@code WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE} (its module is not on this classpath). */
    private static final int GRACEFUL_SHUTDOWN_PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

    /** How long stopping waits for the MCP sessions to close before graceful shutdown goes on regardless. */
    private static final Duration SESSIONS_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** MCP's own JSON (its messages, the tools' schemas): plain, whatever naming the application's mapper uses. */
    private final JsonMapper protocolJson = JsonMapper.builder().build();

    @Bean
    HttpServletStreamableServerTransportProvider pilotMcpTransport(PilotMcpProperties properties) {
        return HttpServletStreamableServerTransportProvider.builder().jsonMapper(new JacksonMcpJsonMapper(protocolJson))
                .mcpEndpoint(path(properties)).securityValidator(new OriginCheck(properties.getAllowedOrigins())).build();
    }

    @Bean
    ServletRegistrationBean<HttpServletStreamableServerTransportProvider> pilotMcpServlet(
            HttpServletStreamableServerTransportProvider transport, PilotMcpProperties properties) {
        ServletRegistrationBean<HttpServletStreamableServerTransportProvider> registration =
                new ServletRegistrationBean<>(transport, path(properties));
        registration.setName("pilotMcp");
        registration.setAsyncSupported(true); // the transport answers over server-sent events
        return registration;
    }

    @Bean(destroyMethod = "closeGracefully")
    McpSyncServer pilotMcpServer(HttpServletStreamableServerTransportProvider transport, PilotRuntime runtime) {
        return McpServer.sync(transport).jsonMapper(new JacksonMcpJsonMapper(protocolJson))
                .serverInfo(runtime.hostname(), version())
                .instructions("Tools of the Pilot agent mesh: each calls a capability of an agent, found through the mesh's directory.")
                .capabilities(ServerCapabilities.builder().tools(true).build())
                .validateToolInputs(false)
                .build();
    }

    @Bean
    McpToolBridge pilotMcpToolBridge(McpSyncServer server, PilotMcpProperties properties, PilotRuntime runtime,
            CapabilityRegistry registry, PilotJsonMapper json, ObjectProvider<MeshToolCatalog> catalog) {
        List<McpToolSource> sources = new ArrayList<>();
        if (properties.isOwnCapabilities()) {
            sources.add(new OwnCapabilityTools(registry, runtime, json.mapper()));
        }
        if (properties.isMeshTools()) {
            MeshToolCatalog mesh = catalog.getIfAvailable();
            if (mesh == null) {
                throw new PilotConfigurationException("pilot.mcp.mesh-tools", "the mesh's tools are asked for, but "
                        + "pilot.tools.enabled is false", "Set pilot.tools.enabled=true, or pilot.mcp.mesh-tools=false.");
            }
            sources.add(new MeshCatalogTools(mesh));
        }
        return new McpToolBridge(server, sources, new McpToolResults(json.mapper()), protocolJson);
    }

    /**
     * Ends the MCP clients' sessions as the application stops, just before the web server's graceful shutdown waits
     * for the requests in progress: a client's listening stream (the GET it keeps open for notifications) is a request
     * that never ends by itself, and it held every shutdown of a gateway for Boot's whole timeout (30 s), even after the
     * client had gone. Tool calls in progress (their own POST streams) are left to finish as graceful shutdown allows;
     * MCP requests from here on are answered 503.
     */
    @Bean
    SmartLifecycle pilotMcpSessionsLifecycle(HttpServletStreamableServerTransportProvider transport) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                running = true;
            }

            @Override
            public void stop() {
                running = false;
                transport.closeGracefully().block(SESSIONS_CLOSE_TIMEOUT);
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return GRACEFUL_SHUTDOWN_PHASE + 1;
            }
        };
    }

    /** Starts the bridge once the agent runs, before the web server takes requests. */
    @Bean
    SmartLifecycle pilotMcpToolsLifecycle(McpToolBridge bridge) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                bridge.start();
                running = true;
            }

            @Override
            public void stop() {
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return PilotRuntime.PHASE + 1;
            }
        };
    }

    private static String path(PilotMcpProperties properties) {
        String path = properties.getPath();
        if (path == null || !path.startsWith("/") || path.length() < 2 || path.endsWith("/")
                || !path.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                        || c == '/' || c == '-' || c == '_' || c == '.')) {
            throw new PilotConfigurationException("pilot.mcp.path", "'" + path + "' is not a path for the MCP endpoint",
                    "Set pilot.mcp.path to a path such as /mcp: a '/' first, then letters, digits, '/', '-', '_' or '.', no '/' last.");
        }
        return path;
    }

    private static String version() {
        String version = PilotMcpAutoConfiguration.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}

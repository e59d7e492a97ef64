package io.pilot.spring.autoconfigure.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.autoconfigure.PilotConfigurationException;
import io.pilot.spring.autoconfigure.tools.PilotToolsAutoConfiguration;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;

import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema.Tool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

/**
 * When the MCP server is configured: only when asked ({@code pilot.mcp.enabled}), in a servlet web application with
 * the MCP SDK present; at {@code pilot.mcp.path}; with the application's own capabilities when asked; and a bad path
 * or a contradiction in the properties stops the start naming the property.
 */
class PilotMcpAutoConfigurationTests {

    private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(JacksonAutoConfiguration.class,
            PilotAutoConfiguration.class, PilotToolsAutoConfiguration.class, PilotMcpAutoConfiguration.class);

    @TempDir
    Path dir;

    @PilotAgent
    static class GreeterAgent {

        @Capability(value = "greeter.greet", description = "Greets someone")
        String greet(String name) {
            return "hello " + name;
        }
    }

    private String[] agent() throws IOException {
        return new String[] {"pilot.hostname=greeter", "pilot.bind.address=127.0.0.1", "pilot.identity.path=" + dir.resolve("greeter.key"),
                "pilot.backbone.embedded=true", "pilot.backbone.address=127.0.0.1:" + freePort(),
                "pilot.backbone.identity=" + dir.resolve("bb.key"), "pilot.control.enabled=false"};
    }

    private WebApplicationContextRunner web() throws IOException {
        return new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS).withBean(GreeterAgent.class)
                .withPropertyValues(agent());
    }

    @Test
    void offUnlessEnabled() throws Exception {
        web().run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(McpSyncServer.class)
                .doesNotHaveBean(ServletRegistrationBean.class));
    }

    @Test
    void servesAtThePathWithTheOwnCapabilitiesWhenAsked() throws Exception {
        web().withPropertyValues("pilot.mcp.enabled=true", "pilot.mcp.path=/tools/mcp", "pilot.mcp.own-capabilities=true")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(McpSyncServer.class);
                    assertThat(context.getBean(ServletRegistrationBean.class).getUrlMappings()).containsExactly("/tools/mcp");
                    McpSyncServer server = context.getBean(McpSyncServer.class);
                    assertThat(server.getServerInfo().name()).isEqualTo("greeter");
                    assertThat(server.getServerCapabilities().tools().listChanged()).isTrue();
                    assertThat(server.listTools()).extracting(Tool::name).contains("greeter_greet");
                });
    }

    @Test
    void withoutTheOwnCapabilitiesOnlyTheMeshsAreServed() throws Exception {
        web().withPropertyValues("pilot.mcp.enabled=true", "pilot.mcp.mesh-tools=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(McpSyncServer.class).listTools()).isEmpty();
        });
    }

    @Test
    void notInAnApplicationWithoutAServletWebServerNorWithoutTheSdk() throws Exception {
        new ApplicationContextRunner().withConfiguration(CONFIGURATIONS).withBean(GreeterAgent.class).withPropertyValues(agent())
                .withPropertyValues("pilot.mcp.enabled=true")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(McpSyncServer.class));
        web().withPropertyValues("pilot.mcp.enabled=true").withClassLoader(new FilteredClassLoader(McpSyncServer.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ServletRegistrationBean.class));
    }

    @Test
    void aBadPathStopsTheStartNamingTheProperty() throws Exception {
        for (String path : new String[] {"mcp", "/", "/mcp/", "/mcp/*"}) {
            web().withPropertyValues("pilot.mcp.enabled=true", "pilot.mcp.path=" + path).run(context ->
                    assertThat(context).hasFailed().getFailure().rootCause().isInstanceOfSatisfying(PilotConfigurationException.class,
                            failure -> assertThat(failure.property()).isEqualTo("pilot.mcp.path")));
        }
    }

    @Test
    void theMeshsToolsWithoutTheCatalogStopTheStartSayingWhatToChange() throws Exception {
        web().withPropertyValues("pilot.mcp.enabled=true", "pilot.tools.enabled=false").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause().isInstanceOfSatisfying(PilotConfigurationException.class,
                        failure -> {
                            assertThat(failure.property()).isEqualTo("pilot.mcp.mesh-tools");
                            assertThat(failure.action()).contains("pilot.mcp.mesh-tools=false");
                        }));
    }

    private static int freePort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

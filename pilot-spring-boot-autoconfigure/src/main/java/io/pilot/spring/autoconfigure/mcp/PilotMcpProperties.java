package io.pilot.spring.autoconfigure.mcp;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The MCP server ({@code pilot.mcp.*}): capabilities served as MCP tools over MCP's streamable HTTP transport, in an
 * application with a servlet web server and the MCP Java SDK ({@code io.modelcontextprotocol.sdk:mcp-core} and
 * {@code mcp-json-jackson3}) on its class path. Which of the mesh's capabilities: {@code pilot.tools.*}.
 */
@ConfigurationProperties("pilot.mcp")
public class PilotMcpProperties {

    /** Whether this application serves MCP. */
    private boolean enabled;

    /** The path of the MCP endpoint on the web server. */
    private String path = "/mcp";

    /** Whether the mesh's capabilities are served as tools (those pilot.tools.* selects). */
    private boolean meshTools = true;

    /** Whether this application's own @Capability methods are served as tools too (they win a clash of names). */
    private boolean ownCapabilities;

    /** Browser origins allowed to call besides this machine's (e.g. https://app.example.com); others are refused. */
    private List<String> allowedOrigins = new ArrayList<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public boolean isMeshTools() {
        return meshTools;
    }

    public void setMeshTools(boolean meshTools) {
        this.meshTools = meshTools;
    }

    public List<String> getAllowedOrigins() {
        return allowedOrigins;
    }

    public void setAllowedOrigins(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    public boolean isOwnCapabilities() {
        return ownCapabilities;
    }

    public void setOwnCapabilities(boolean ownCapabilities) {
        this.ownCapabilities = ownCapabilities;
    }
}

package io.pilot.spring.mcp;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityValidator;

/**
 * MCP's defence against DNS rebinding: a request that carries an {@code Origin} (one a browser sent) is refused with 403
 * unless the origin is on this machine (localhost, 127.0.0.1, [::1], any port: a local MCP Inspector) or one of the
 * allowed origins ({@code pilot.mcp.allowed-origins}). A request without one (an MCP client that is no browser page)
 * passes: this is no authentication.
 */
public final class OriginCheck implements ServerTransportSecurityValidator {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    private final List<String> allowed;

    /** @param allowed origins allowed besides this machine's, as a browser writes them: {@code https://app.example.com} */
    public OriginCheck(List<String> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    @Override
    public void validateHeaders(Map<String, List<String>> headers) throws ServerTransportSecurityException {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if ("Origin".equalsIgnoreCase(header.getKey()) && header.getValue() != null) {
                for (String origin : header.getValue()) {
                    if (!allowed.contains(origin) && !loopback(origin)) {
                        throw new ServerTransportSecurityException(403, "origin " + origin + " is not allowed (pilot.mcp.allowed-origins)");
                    }
                }
            }
        }
    }

    private static boolean loopback(String origin) {
        try {
            URI uri = new URI(origin);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && LOOPBACK.contains(uri.getHost());
        } catch (URISyntaxException e) {
            return false;
        }
    }
}

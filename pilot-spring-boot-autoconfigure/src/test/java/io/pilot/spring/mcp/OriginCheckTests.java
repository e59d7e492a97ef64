package io.pilot.spring.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;

import org.junit.jupiter.api.Test;

class OriginCheckTests {

    private final OriginCheck check = new OriginCheck(List.of("https://app.example.com"));

    @Test
    void aRequestWithoutAnOriginOrFromThisMachineOrAnAllowedOriginPasses() {
        assertThatCode(() -> check.validateHeaders(Map.of("Host", List.of("127.0.0.1:8080")))).doesNotThrowAnyException();
        for (String origin : List.of("http://localhost:6274", "http://127.0.0.1", "https://[::1]:8443", "https://app.example.com")) {
            assertThatCode(() -> check.validateHeaders(Map.of("origin", List.of(origin)))).as(origin).doesNotThrowAnyException();
        }
    }

    @Test
    void anyOtherOriginIsRefusedWith403() {
        for (String origin : List.of("http://evil.example", "http://localhost.evil.example", "https://app.example.com:8443",
                "null", "file://localhost", "not a uri")) {
            assertThatThrownBy(() -> check.validateHeaders(Map.of("Origin", List.of(origin)))).as(origin)
                    .isInstanceOfSatisfying(ServerTransportSecurityException.class,
                            refused -> assertThat(refused.getStatusCode()).isEqualTo(403));
        }
    }
}

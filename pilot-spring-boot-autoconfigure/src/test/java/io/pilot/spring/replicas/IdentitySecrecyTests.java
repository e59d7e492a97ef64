package io.pilot.spring.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.identity.IdentityText;
import io.pilot.spring.runtime.PilotRuntime;

import java.net.DatagramSocket;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.json.JsonMapper;

/**
 * A key given as {@code pilot.identity.key} (as a secret in an environment variable would give it) is the node's
 * key, and appears neither in the log nor in the {@code env} and {@code configprops} endpoints, even set to show values.
 */
@ExtendWith(OutputCaptureExtension.class)
class IdentitySecrecyTests {

    @TempDir
    Path dir;

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void theKeyIsUsedButNeverShown(CapturedOutput output) throws Exception {
        byte[] pkcs8 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded();
        String body = Base64.getEncoder().encodeToString(pkcs8);
        String pem = "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----";
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(ReplicaApp.class).run(
                "--spring.main.web-application-type=none", "--pilot.hostname=secret-keeper", "--pilot.bind.address=127.0.0.1",
                "--pilot.backbone.embedded=true", "--pilot.backbone.address=127.0.0.1:" + freeUdpPort(),
                "--pilot.backbone.identity=" + dir.resolve("bb.key"), "--pilot.control.enabled=false",
                "--pilot.identity.key=" + pem,
                "--management.endpoints.access.default=unrestricted", "--spring.jmx.enabled=true",
                "--management.endpoints.jmx.exposure.include=env,configprops",
                "--management.endpoint.env.show-values=always", "--management.endpoint.configprops.show-values=always")) {
            PilotRuntime runtime = app.getBean(PilotRuntime.class);
            assertThat(runtime.node().identity().sameKeyAs(
                    IdentityText.parse(pem))).isTrue();
            JsonMapper json = new JsonMapper();
            String env = json.writeValueAsString(app.getBean(EnvironmentEndpoint.class).environment(null));
            String configprops = json.writeValueAsString(app.getBean(ConfigurationPropertiesReportEndpoint.class)
                    .configurationProperties());
            assertThat(env).as("env shows values").contains("secret-keeper").doesNotContain(body.substring(10, 40));
            assertThat(configprops).as("configprops shows values").contains("secret-keeper")
                    .doesNotContain(body.substring(10, 40));
        }
        assertThat(output).contains("secret-keeper").doesNotContain(body.substring(10, 40));
    }
}

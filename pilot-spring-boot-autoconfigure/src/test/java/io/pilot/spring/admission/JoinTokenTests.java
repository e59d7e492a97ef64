package io.pilot.spring.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.identity.Identity;
import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.runtime.PilotRuntime;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import tools.jackson.databind.json.JsonMapper;

/**
 * Agents of a realm whose backbone requires a join token, against a real backbone on loopback: the token from
 * {@code pilot.backbone.join-token} (as {@code PILOT_BACKBONE_JOIN_TOKEN} from a secret would give it) or from
 * {@code pilot.backbone.join-token-file} registers; a missing or wrong one fails the start with the properties to
 * set; the token shows neither in the log nor in the {@code env} and {@code configprops} endpoints set to show values.
 */
@ExtendWith(OutputCaptureExtension.class)
class JoinTokenTests {

    private static final String TOKEN = "realm-join-Zq8vW2xK";
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    private final List<AutoCloseable> started = new ArrayList<>();
    private PilotNode backboneNode;
    private Backbone backbone;

    @SpringBootApplication
    static class RatesApplication {

        @PilotAgent
        static class RatesAgent {

            @Capability("fx.rate")
            double rate(String pair) {
                return 1.0664;
            }
        }
    }

    @BeforeEach
    void startBackboneRequiringTheToken() {
        backboneNode = PilotNode.builder().identity(Identity.generate(RANDOM))
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).answerStun(true).build().start();
        backbone = Backbone.start(backboneNode, BackboneSettings.DEFAULTS.withJoinToken(TOKEN), DirectoryStore.none());
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        backbone.close();
        backboneNode.close();
    }

    @Test
    void theTokenFromAnEnvironmentVariableRegistersAndIsNeverShown(CapturedOutput output) throws Exception {
        ConfigurableApplicationContext app = run(new SpringApplicationBuilder(RatesApplication.class)
                .initializers(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("secret-systemEnvironment",
                                Map.of("PILOT_BACKBONE_JOIN_TOKEN", TOKEN)))),
                "--management.endpoints.access.default=unrestricted", "--spring.jmx.enabled=true",
                "--management.endpoints.jmx.exposure.include=env,configprops",
                "--management.endpoint.env.show-values=always", "--management.endpoint.configprops.show-values=always");

        assertRegisteredAndFound(app);
        JsonMapper json = new JsonMapper();
        String env = json.writeValueAsString(app.getBean(EnvironmentEndpoint.class).environment(null));
        String configprops = json.writeValueAsString(app.getBean(ConfigurationPropertiesReportEndpoint.class)
                .configurationProperties());
        assertThat(env).as("env shows values").contains("PILOT_BACKBONE_JOIN_TOKEN", "rates").doesNotContain(TOKEN);
        assertThat(configprops).as("configprops shows values").contains("joinToken", "rates").doesNotContain(TOKEN);
        assertThat(output).contains("Pilot agent 'rates'").doesNotContain(TOKEN);
    }

    @Test
    void theTokenFromAFileNamedInAnEnvironmentVariableRegisters(CapturedOutput output) throws Exception {
        Path file = Files.writeString(dir.resolve("join-token"), TOKEN + "\n");

        assertRegisteredAndFound(run(new SpringApplicationBuilder(RatesApplication.class)
                .initializers(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("mounted-systemEnvironment",
                                Map.of("PILOT_BACKBONE_JOIN_TOKEN_FILE", file.toString()))))));
        assertThat(output).doesNotContain(TOKEN);
    }

    @Test
    void aWrongTokenFailsTheStartNamingTheProperties(CapturedOutput output) {
        assertThatThrownBy(() -> run(new SpringApplicationBuilder(RatesApplication.class),
                "--pilot.backbone.join-token=guessed-token-Qy7")).isNotNull();

        assertThat(output).contains("APPLICATION FAILED TO START",
                "the backbone refused the join token of pilot.backbone.join-token / pilot.backbone.join-token-file",
                "Set pilot.backbone.join-token (e.g. PILOT_BACKBONE_JOIN_TOKEN from a secret) or pilot.backbone.join-token-file")
                .doesNotContain("guessed-token-Qy7").doesNotContain(TOKEN);
        assertThat(backbone.registrations()).isZero();
    }

    @Test
    void noTokenFailsTheStartEvenThoughTheAgentMayStartWithoutItsBackbone(CapturedOutput output) {
        assertThatThrownBy(() -> run(new SpringApplicationBuilder(RatesApplication.class),
                "--pilot.backbone.request-timeout=10s")).isNotNull();

        assertThat(output).contains("APPLICATION FAILED TO START", "the backbone requires a join token and neither"
                + " pilot.backbone.join-token nor pilot.backbone.join-token-file is set");
        assertThat(backbone.registrations()).isZero();
    }

    @Test
    void aMissingTokenFileFailsTheStartBeforeAnythingBinds(CapturedOutput output) {
        Path missing = dir.resolve("no-such-token");
        assertThatThrownBy(() -> run(new SpringApplicationBuilder(RatesApplication.class),
                "--pilot.backbone.join-token-file=" + missing)).isNotNull();

        assertThat(output).contains("The Pilot agent cannot start: pilot.backbone.join-token-file: " + missing
                + " does not exist", "Point pilot.backbone.join-token-file at a readable file");
        assertThat(backbone.registrations()).isZero();
    }

    @Test
    void anEmbeddedBackboneRequiresTheTokenOfEveryAgent() throws Exception {
        int port;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            port = socket.getLocalPort();
        }
        ConfigurableApplicationContext app = run(new SpringApplicationBuilder(RatesApplication.class),
                "--pilot.backbone.embedded=true", "--pilot.backbone.address=127.0.0.1:" + port,
                "--pilot.backbone.identity=" + dir.resolve("embedded.key"), "--pilot.backbone.join-token=" + TOKEN);
        Backbone embedded = app.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow();
        assertThat(embedded.registrations()).isEqualTo(1);

        try (PilotNode outsider = node(); DirectoryClient withoutToken = DirectoryClient.builder(outsider).hostname("outsider")
                .backbone(embedded.node().localEndpoint(), embedded.node().publicKey()).build()) {
            assertThatThrownBy(() -> withoutToken.start().get(10, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(DirectoryException.class,
                            refusal -> assertThat(refusal.error()).isEqualTo(DirectoryError.JOIN_TOKEN_REQUIRED));
        }
        try (PilotNode member = node(); DirectoryClient withToken = DirectoryClient.builder(member).hostname("member")
                .joinToken(TOKEN).backbone(embedded.node().localEndpoint(), embedded.node().publicKey()).build()) {
            withToken.start().get(10, TimeUnit.SECONDS);
            assertThat(embedded.registrations()).isEqualTo(2);
        }
    }

    /** Runs the agent against the test's backbone over working defaults (arguments rank above them). */
    private ConfigurableApplicationContext run(SpringApplicationBuilder application, String... args) {
        ConfigurableApplicationContext context = application.properties("spring.main.web-application-type=none",
                "pilot.hostname=rates", "pilot.bind.address=127.0.0.1", "pilot.control.enabled=false",
                "pilot.identity.path=" + dir.resolve("rates.key"),
                "pilot.backbone.address=127.0.0.1:" + backboneNode.localEndpoint().getPort(),
                "pilot.backbone.key=" + backboneNode.publicKey()).run(args);
        started.add(context);
        return context;
    }

    private void assertRegisteredAndFound(ConfigurableApplicationContext app) throws Exception {
        assertThat(app.getBean(PilotRuntime.class).directory().status()).isEqualTo(DirectoryClient.Status.REGISTERED);
        assertThat(backbone.registrations()).isEqualTo(1);
        try (PilotNode caller = node(); DirectoryClient directory = DirectoryClient.builder(caller).hostname("caller")
                .joinToken(TOKEN).backbone(backboneNode.localEndpoint(), backboneNode.publicKey()).build()) {
            directory.start().get(10, TimeUnit.SECONDS);
            assertThat(directory.providers("fx.rate").get(10, TimeUnit.SECONDS)).extracting(NodeRecord::hostname)
                    .containsExactly("rates");
        }
    }

    private static PilotNode node() {
        return PilotNode.builder().identity(Identity.generate(RANDOM)).bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .build().start();
    }
}

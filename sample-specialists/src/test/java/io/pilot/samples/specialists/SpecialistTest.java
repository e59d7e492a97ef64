package io.pilot.samples.specialists;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.message.ErrorCode;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotRemoteException;
import io.pilot.spring.test.EmbeddedPilotBackbone;
import io.pilot.spring.test.PilotTestAgents;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A specialist as the coordinator meets it: the application runs with one profile, registered with an
 * in-JVM backbone, and a separate agent calls its capabilities by name with plain JSON over a real Pilot
 * tunnel. Replies are read as JSON trees so the tests pin the wire contract, field names included.
 */
// The hostnames as the fleet has them (specialist-fx, ...), not the test kit's per-context ones (specialist-fx-test2):
// each profile's context has a hostname of its own already, and the tests find and check the specialists by it.
@SpringBootTest(classes = SpecialistsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"pilot.control.enabled=false", "pilot.instance-id=none"})
@EmbeddedPilotBackbone
public abstract class SpecialistTest {

    /** The caller: an agent with no capabilities of its own, as the coordinator is to the specialists. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Researcher {
    }

    /**
     * One caller for every test class of the JVM, closed with the JVM like the shared backbone: the backbone
     * keeps a hostname bound to its key for a while after the agent leaves, so a fresh caller per class (a
     * fresh key) could not take the name again.
     */
    private static PilotClient caller;

    @Autowired
    private Environment environment;

    private final HttpClient http = HttpClient.newHttpClient();

    protected static synchronized PilotClient caller() {
        if (caller == null) {
            caller = new PilotTestAgents().start("researcher", Map.of("pilot.control.enabled", "false"), Researcher.class)
                    .getBean(PilotClient.class);
        }
        return caller;
    }

    /** Calls {@code capability} with {@code request} (anything that maps to a JSON object) and reads the reply as JSON. */
    protected static JsonNode call(String capability, Object request) {
        return caller().call(capability, request, JsonNode.class);
    }

    /** The call fails on the caller's side with the specialist's own words, not an exception's class name. */
    protected static void assertRefused(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(PilotRemoteException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(e.detail()).isEqualTo(message);
            assertThat(e.getMessage()).endsWith(": " + message).doesNotContain("Exception");
        });
    }

    /** The {@code pilot} health component turns UP once the agent is registered with the backbone. */
    protected void assertPilotHealthUp(String hostname) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            JsonNode pilot = actuator("health").path("components").path("pilot");
            assertThat(pilot.path("status").asString()).isEqualTo("UP");
            assertThat(pilot.path("details").path("hostname").asString()).isEqualTo(hostname);
        });
    }

    protected JsonNode actuator(String endpoint) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + environment.getProperty("local.server.port") + "/actuator/" + endpoint)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JsonMapper.shared().readTree(response.body());
    }
}

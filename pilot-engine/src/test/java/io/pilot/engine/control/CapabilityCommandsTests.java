package io.pilot.engine.control;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.Ports;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.group.GroupMessaging;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.schema.CapabilitySchema;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import tools.jackson.databind.JsonNode;

import static io.pilot.engine.control.ControlServerTests.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code describe} and {@code call} through the socket, against a provider with a published schema on port 100. */
class CapabilityCommandsTests {

    private static final CapabilitySchema SCHEMA = CapabilitySchema.of(
            "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"]}",
            "{\"type\":\"object\"}");

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @RegisterExtension
    final ShortTempDir temp = new ShortTempDir();

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final AtomicInteger served = new AtomicInteger();
    private Path socket;

    @BeforeEach
    void startRealm() throws Exception {
        PilotNode backboneNode = nodes.start();
        closeables.add(0, Backbone.start(backboneNode, BackboneSettings.DEFAULTS, DirectoryStore.none()));
        DirectoryClient provider = started(backboneNode, DirectoryClient.builder(nodes.start()).hostname("shop")
                .capability("shop.double", "Doubles n", SCHEMA).capability("shop.fail"));
        closeables.add(0, provider.node().listen(Ports.CAPABILITIES, in -> {
            served.incrementAndGet();
            if ("shop.fail".equals(in.message().header(Headers.CAPABILITY))) {
                return CompletableFuture.failedFuture(new PilotException(ErrorCode.NOT_FOUND, "nothing here",
                        Message.of("{\"code\":\"NOT_FOUND\",\"detail\":\"no product x\","
                                + "\"errors\":[{\"field\":\"sku\",\"rule\":\"exists\",\"message\":\"is unknown\"}]}")));
            }
            int n = Json.MAPPER.readTree(in.message().body()).path("n").asInt();
            return CompletableFuture.completedFuture(Message.of("{\"doubled\":" + 2 * n + "}"));
        }));
        DirectoryClient caller = started(backboneNode, DirectoryClient.builder(nodes.start()).hostname("caller"));
        ControlServer server = ControlServer.start(temp.dir().resolve("caller.sock"),
                ControlCommands.builder(caller.node()).directory(caller).groups(GroupMessaging.of(caller)).build());
        closeables.add(0, server);
        socket = server.socketPath();
    }

    private DirectoryClient started(PilotNode backboneNode, DirectoryClient.Builder builder) {
        DirectoryClient client = builder.backbone(backboneNode.localEndpoint(), backboneNode.publicKey()).build();
        closeables.add(0, client);
        client.start().join();
        return client;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    private JsonNode run(String request) {
        return ControlClient.last(socket, request);
    }

    @Test
    void describeListsProvidersWithTheirDescriptionsAndSchemas() {
        JsonNode data = run("{\"command\":\"describe\",\"args\":{\"capability\":\"shop.double\"}}").path("data");

        assertThat(data.path("description").asString()).isEqualTo("Doubles n");
        assertThat(data.path("input").toString()).isEqualTo(SCHEMA.input());
        assertThat(data.path("providers").get(0).path("hostname").asString()).isEqualTo("shop");
        assertThat(data.path("providers").get(0).path("schema").asString()).isEqualTo("published");
        JsonNode bare = run("{\"command\":\"describe\",\"args\":{\"capability\":\"shop.fail\"}}").path("data");
        assertThat(bare.path("providers").get(0).path("schema").asString()).isEqualTo("none");
        assertThat(bare.has("input")).isFalse();
        assertError(run("{\"command\":\"describe\",\"args\":{\"capability\":\"shop.none\"}}"), "NOT_FOUND");
    }

    @Test
    void callChecksTheArgumentAgainstTheSchemaBeforeSendingAndPrintsTheReply() {
        JsonNode ok = run("{\"command\":\"call\",\"args\":{\"capability\":\"shop.double\",\"argument\":\"{\\\"n\\\":21}\"}}");
        assertThat(ok.path("data").path("reply").toString()).isEqualTo("{\"doubled\":42}");
        assertThat(ok.path("data").path("checkedAgainstSchema").asBoolean()).isTrue();
        assertThat(ok.path("data").path("hostname").asString()).isEqualTo("shop");
        assertThat(served).hasValue(1);

        JsonNode wrong = run("{\"command\":\"call\",\"args\":{\"capability\":\"shop.double\",\"argument\":\"{\\\"n\\\":\\\"x\\\"}\"}}");
        assertError(wrong, "BAD_REQUEST");
        assertThat(wrong.path("message").asString())
                .isEqualTo("the argument does not match the input schema of 'shop.double': 'n' must be an integer (type)");
        assertError(run("{\"command\":\"call\",\"args\":{\"capability\":\"shop.double\",\"argument\":\"{\\\"n\\\":\"}}"),
                "BAD_REQUEST");
        assertThat(served).as("nothing refused was sent").hasValue(1);
    }

    @Test
    void aTypedErrorOfTheCapabilityComesBackWithItsCodeAndDetail() {
        JsonNode failed = run("{\"command\":\"call\",\"args\":{\"capability\":\"shop.fail\",\"hostname\":\"shop\",\"argument\":\"1\"}}");

        assertError(failed, "CAPABILITY_ERROR");
        assertThat(failed.path("message").asString()).isEqualTo("NOT_FOUND from 'shop.fail': no product x [sku: is unknown (exists)]");
        assertError(run("{\"command\":\"call\",\"args\":{\"capability\":\"shop.double\",\"hostname\":\"caller\",\"argument\":\"1\"}}"),
                "NOT_FOUND");
    }
}

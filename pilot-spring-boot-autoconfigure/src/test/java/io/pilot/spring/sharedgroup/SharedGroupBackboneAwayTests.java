package io.pilot.spring.sharedgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.IdentityStore;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.wire.DropReason;
import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.actuate.PilotHealthIndicator;
import io.pilot.spring.capability.CapabilityProtocol;
import io.pilot.spring.runtime.PilotRuntime;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * An application with the shared-group access policy whose backbone is away when it starts: it starts all the
 * same (health {@code BACKBONE_UNREACHABLE}), and once the backbone is up it registers, learns its group's
 * members, serves a member and refuses a peer that shares no group with it.
 */
class SharedGroupBackboneAwayTests {

    @PilotAgent
    static class PapersAgent {

        @Capability("papers.count")
        int count(String topic) {
            return topic.length();
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(PapersAgent.class)
    static class PapersApplication {
    }

    @TempDir
    Path dir;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    @Test
    void startsWithoutTheBackboneThenServesMembersAndRefusesOthersOnceItKnowsThem() throws Exception {
        int backbonePort;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            backbonePort = socket.getLocalPort();
        }
        Path backboneKey = dir.resolve("backbone.key");
        Identity backboneIdentity = IdentityStore.loadOrCreate(backboneKey, new SecureRandom());

        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(PapersApplication.class)
                .web(WebApplicationType.NONE)
                .properties("spring.main.keep-alive=false", "pilot.hostname=papers", "pilot.bind.address=127.0.0.1",
                        "pilot.identity.path=" + dir.resolve("papers.key"), "pilot.control.enabled=false",
                        "pilot.access-policy=shared-group", "pilot.groups=RESEARCH",
                        "pilot.backbone.address=127.0.0.1:" + backbonePort,
                        "pilot.backbone.key=" + backboneIdentity.publicKey(), "pilot.backbone.request-timeout=1s")
                .run()) {
            PilotRuntime runtime = context.getBean(PilotRuntime.class);
            assertThat(context.getBean(PilotHealthIndicator.class).health().getStatus())
                    .isEqualTo(PilotHealthIndicator.BACKBONE_UNREACHABLE);

            PilotNode backboneNode = PilotNode.builder().identityPath(backboneKey)
                    .bindAddress(new InetSocketAddress("127.0.0.1", backbonePort)).answerStun(true).build().start();
            opened.add(backboneNode);
            opened.add(Backbone.start(backboneNode, BackboneSettings.DEFAULTS, DirectoryStore.none()));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> runtime.directory().status() == DirectoryClient.Status.REGISTERED);

            DirectoryClient member = peer("colleague", "RESEARCH", backboneNode);
            DirectoryClient stranger = peer("trader", "TRADING", backboneNode);
            // The member is let in once the backbone's push about it reached the application's policy.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> count(member, "agents").equals("6"));
            assertThatThrownBy(() -> count(stranger, "agents"))
                    .cause().isInstanceOfSatisfying(PilotException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNREACHABLE));
            assertThat(runtime.node().stats().dropped(DropReason.NOT_ALLOWED)).isPositive();
        }
    }

    /** A plain node in {@code group}, registered with the backbone, that gives up connecting after a second. */
    private DirectoryClient peer(String hostname, String group, PilotNode backboneNode) throws Exception {
        PilotNode node = PilotNode.builder().identity(Identity.generate(new SecureRandom()))
                .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .sessionSettings(SessionSettings.DEFAULTS.withConnectTimeout(Duration.ofSeconds(1))).build().start();
        opened.add(node);
        DirectoryClient client = DirectoryClient.builder(node).hostname(hostname).group(group)
                .backbone(backboneNode.localEndpoint(), backboneNode.publicKey()).build();
        opened.add(client);
        client.start().get(10, TimeUnit.SECONDS);
        return client;
    }

    /** Calls papers.count the way a PilotClient does: JSON in, JSON out, the capability in a header. */
    private static String count(DirectoryClient caller, String topic) {
        PilotSocketAddress papers = new PilotSocketAddress(caller.resolve("papers").join(), CapabilityProtocol.PORT);
        Message request = Message.of(("\"" + topic + "\"").getBytes(StandardCharsets.UTF_8))
                .with(Headers.CAPABILITY, "papers.count").with(Headers.CONTENT_TYPE, CapabilityProtocol.JSON);
        return caller.node().request(papers, request).join().bodyAsString();
    }
}

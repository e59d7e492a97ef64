package io.pilot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.group.GroupMessaging;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.Message;
import io.pilot.spring.GroupListener;
import io.pilot.spring.capability.CapabilityProtocol;
import io.pilot.spring.runtime.PilotRuntime;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * A node of the realm that is not a member of a group sends a broadcast whose {@code group} header names it:
 * the header is the sender's word, so the listener checks the sender against the group's members and drops
 * (and counts) what a non-member sent, while a member's broadcast is still delivered.
 */
class ForgedGroupHeaderTests {

    @TempDir
    Path dir;

    record Notice(String topic) {
    }

    static final List<String> RECEIVED = new CopyOnWriteArrayList<>();

    static class Listeners {
        @GroupListener("BOARD")
        void notice(Notice notice, PilotAddress from) {
            RECEIVED.add(notice.topic());
        }
    }

    @Test
    void aNonMembersBroadcastWithAForgedGroupHeaderIsDroppedAndCountedWhileAMembersIsDelivered() throws Exception {
        RECEIVED.clear();
        int backbonePort = PilotAutoConfigurationTests.freePort();
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort,
                        "pilot.hostname=listener", "pilot.identity.path=" + dir.resolve("listener.key"),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("bb.key"))
                .withBean(Listeners.class)
                .run(listener -> {
                    assertThat(listener).hasNotFailed();
                    PilotRuntime runtime = listener.getBean(PilotRuntime.class);
                    PilotNode backbone = runtime.embeddedBackbone().orElseThrow().node();
                    InetSocketAddress backboneEndpoint = new InetSocketAddress("127.0.0.1", backbonePort);
                    PilotSocketAddress broadcastPort = new PilotSocketAddress(runtime.address(), CapabilityProtocol.BROADCAST_PORT);

                    try (PilotNode intruderNode = PilotNode.builder().identity(Identity.generate(new SecureRandom()))
                                 .bindAddress(new InetSocketAddress("127.0.0.1", 0)).build().start();
                         DirectoryClient intruder = DirectoryClient.builder(intruderNode).hostname("intruder")
                                 .backbone(backboneEndpoint, backbone.publicKey()).build();
                         PilotNode memberNode = PilotNode.builder().identity(Identity.generate(new SecureRandom()))
                                 .bindAddress(new InetSocketAddress("127.0.0.1", 0)).build().start();
                         DirectoryClient member = DirectoryClient.builder(memberNode).hostname("member").group("BOARD")
                                 .backbone(backboneEndpoint, backbone.publicKey()).build()) {
                        intruder.start().join();
                        member.start().join();

                        for (int i = 0; i < 5; i++) {
                            intruderNode.send(broadcastPort, Message.of(json("forged-" + i)).with(Headers.GROUP, "BOARD")).join();
                        }
                        assertThat(GroupMessaging.of(member).broadcast("BOARD", CapabilityProtocol.BROADCAST_PORT,
                                Message.of(json("genuine"))).join().delivered()).hasSize(1);

                        await().atMost(10, TimeUnit.SECONDS).until(() -> RECEIVED.contains("genuine"));
                        await().atMost(10, TimeUnit.SECONDS).until(() -> runtime.broadcastsFromNonMembers() == 5);
                        assertThat(RECEIVED).containsExactly("genuine");
                    }
                });
    }

    private static byte[] json(String topic) {
        return ("{\"topic\":\"" + topic + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}

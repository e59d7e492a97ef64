package io.pilot.engine.group;

import java.util.concurrent.CopyOnWriteArrayList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.session.SessionSettings;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BroadcastTests {

    private static final int PORT = 2001;

    @RegisterExtension
    final Realm realm = new Realm();

    /** Messages each agent received on {@link #PORT}, by hostname. */
    private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    /** The group header of every message received, as the receivers saw it. */
    private final List<String> groupHeaders = new CopyOnWriteArrayList<>();

    @Test
    void reachesEveryOtherMemberOnceAndNoOneElse() {
        realm.startBackbone();
        DirectoryClient sender = counting(realm.agent("sender", b -> b.group("RESEARCH")));
        List.of("analyst-1", "analyst-2", "analyst-3")
                .forEach(name -> counting(realm.agent(name, b -> b.group("RESEARCH").group("TRADING"))));
        counting(realm.agent("trader", b -> b.group("TRADING")));
        counting(realm.agent("loner", b -> b));

        BroadcastResult result = GroupMessaging.of(sender).broadcast("RESEARCH", PORT, Message.of("new paper")).join();

        assertThat(result.complete()).isTrue();
        assertThat(result.delivered()).extracting(NodeRecord::hostname)
                .containsExactlyInAnyOrder("analyst-1", "analyst-2", "analyst-3");
        await().atMost(5, TimeUnit.SECONDS).until(() -> received.size() == 3);
        assertThat(received).containsOnlyKeys("analyst-1", "analyst-2", "analyst-3");
        assertThat(received.values()).allSatisfy(count -> assertThat(count).hasValue(1));
        assertThat(groupHeaders).containsExactly("RESEARCH", "RESEARCH", "RESEARCH");
    }

    @Test
    void namesTheMembersItCouldNotReachAndStillReachesTheOthers() {
        realm.startBackbone();
        DirectoryClient sender = realm.client("sender",
                n -> n.sessionSettings(SessionSettings.DEFAULTS.withConnectTimeout(Duration.ofSeconds(1))),
                b -> b.group("RESEARCH"));
        sender.start().join();
        counting(realm.agent("alive", b -> b.group("RESEARCH")));
        // Its node stops without a word: the backbone holds its record until the lease lapses.
        realm.agent("vanished", b -> b.group("RESEARCH")).node().close();

        BroadcastResult result = GroupMessaging.of(sender).broadcast("RESEARCH", PORT, Message.of("hello")).join();

        assertThat(result.delivered()).extracting(NodeRecord::hostname).containsExactly("alive");
        assertThat(result.failed()).singleElement().satisfies(failure -> {
            assertThat(failure.member().hostname()).isEqualTo("vanished");
            assertThat(failure.error()).isInstanceOfSatisfying(PilotException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.UNREACHABLE));
            assertThat(failure.reason()).isNotBlank();
        });
        await().atMost(5, TimeUnit.SECONDS).until(() -> received.containsKey("alive"));
    }

    @Test
    void aGroupWithNoOtherMemberIsACompleteBroadcastToNoOne() {
        realm.startBackbone();
        DirectoryClient sender = realm.agent("sender", b -> b.group("RESEARCH"));
        BroadcastResult result = GroupMessaging.of(sender).broadcast("RESEARCH", PORT, Message.of("anyone?")).join();
        assertThat(result.complete()).isTrue();
        assertThat(result.delivered()).isEmpty();
    }

    private DirectoryClient counting(DirectoryClient agent) {
        String hostname = agent.record().orElseThrow().hostname();
        agent.node().listen(PORT, MessageHandler.of(in -> {
            groupHeaders.add(String.valueOf(in.message().header(Headers.GROUP)));
            received.computeIfAbsent(hostname, h -> new AtomicInteger()).incrementAndGet();
            return Message.empty();
        }));
        return agent;
    }
}

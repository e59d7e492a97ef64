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
import io.pilot.engine.net.SharedEventLoops;
import io.pilot.engine.session.SessionSettings;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

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

    /**
     * A group of a hundred real members (each its own node, socket and directory client): the fan-out reaches every
     * one exactly once, the first time through a handshake with each, all started at once, and again over the
     * sessions it made. The bench (section 10) does the same with 500 and measures it.
     */
    @Test
    void reachesAHundredMembersExactlyOnceEachColdAndWarm() throws Exception {
        reachesAHundredMembers(null);
    }

    /** The same with the members on two event loop threads they share, as the bench runs its 500. */
    @Test
    void reachesAHundredMembersOnSharedEventLoopsExactlyOnceEachColdAndWarm() throws Exception {
        try (SharedEventLoops loops = SharedEventLoops.create(2)) {
            reachesAHundredMembers(loops);
        }
    }

    private void reachesAHundredMembers(SharedEventLoops loops) throws Exception {
        realm.startBackbone();
        DirectoryClient sender = realm.agent("sender", b -> b.group("CROWD"));
        ExecutorService handlers = Executors.newFixedThreadPool(2);
        List<DirectoryClient> members = List.of();
        try {
            members = IntStream.range(0, 100)
                    .mapToObj(i -> realm.client(String.format(Locale.ROOT, "member-%03d", i), n -> {
                        n.handlerExecutor(handlers).socketBufferBytes(256 * 1024);
                        return loops == null ? n : n.eventLoops(loops);
                    }, b -> b.group("CROWD")))
                    .toList();
            // A start that times out keeps registering in the background: wait for the registrations themselves.
            members.forEach(DirectoryClient::start);
            CompletableFuture.allOf(members.stream().map(DirectoryClient::registered).toArray(CompletableFuture[]::new))
                    .get(60, TimeUnit.SECONDS);
            members.forEach(this::counting);
            GroupMessaging groups = GroupMessaging.of(sender);

            BroadcastResult cold = groups.broadcast("CROWD", PORT, Message.of("one")).join();

            assertThat(cold.complete()).isTrue();
            assertThat(cold.delivered()).hasSize(100);
            await().atMost(30, TimeUnit.SECONDS).until(() -> received.size() == 100
                    && received.values().stream().allMatch(count -> count.get() == 1));
            assertThat(sender.node().peers()).hasSizeGreaterThanOrEqualTo(100);

            BroadcastResult warm = groups.broadcast("CROWD", PORT, Message.of("two")).join();

            assertThat(warm.complete()).isTrue();
            assertThat(warm.delivered()).hasSize(100);
            await().atMost(30, TimeUnit.SECONDS).until(() -> received.values().stream().allMatch(count -> count.get() == 2));
            assertThat(received).hasSize(100);
            assertThat(received.values()).allSatisfy(count -> assertThat(count).hasValue(2));
        } finally {
            handlers.shutdownNow();
            if (loops != null) { // their nodes before the loops they run on
                members.forEach(member -> {
                    member.close();
                    member.node().close();
                });
            }
        }
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

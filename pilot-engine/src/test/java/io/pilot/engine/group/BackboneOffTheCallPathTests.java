package io.pilot.engine.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.UdpForwarder;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.RecordingListener;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.transport.TransportConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Calls to known providers, by capability or by hostname, are answered from views kept fresh by watches: the
 * backbone is asked nothing, and its absence changes nothing. Real nodes on loopback and a real backbone.
 */
class BackboneOffTheCallPathTests {

    private static final int PORT = 1001;
    /**
     * Every request a node may send the backbone but the two its registration's timer sends on its own (REGISTER and
     * HEARTBEAT): a call that asked, watched, renewed or ended a watch, or punched, would show in one of these.
     */
    private static final int[] DIRECTORY_QUERIES = {DirectoryProtocol.OP_DEREGISTER, DirectoryProtocol.OP_LOOKUP,
            DirectoryProtocol.OP_WATCH, DirectoryProtocol.OP_UNWATCH, DirectoryProtocol.OP_WATCH_FROM,
            DirectoryProtocol.OP_CREATE_GROUP, DirectoryProtocol.OP_PUNCH};

    @RegisterExtension
    final Realm realm = new Realm();

    /** Request ids each provider ran, by hostname. */
    private final Map<String, List<String>> ran = new ConcurrentHashMap<>();

    @Test
    void repeatedCallsToKnownProvidersSendNothingToTheBackbone() {
        realm.startBackbone();
        provider("fx-a", b -> b.capability("fx.rate"));
        provider("fx-b", b -> b.capability("fx.rate"));
        DirectoryClient requester = realm.agent("requester", b -> b);
        GroupMessaging groups = GroupMessaging.of(requester);
        // The first of each opens its watch (and the first request to a node connects to it).
        groups.anycast("fx.rate", PORT, Message.of("first")).join();
        requester.request("fx-a", PORT, Message.of("first")).join();
        requester.request("fx-b", PORT, Message.of("first")).join();
        long[] before = queries(realm.backbone());
        assertThat(realm.backbone().requests(DirectoryProtocol.OP_WATCH_FROM)
                + realm.backbone().requests(DirectoryProtocol.OP_WATCH))
                .as("the first calls' watches were counted: the count would show another").isPositive();

        for (int i = 0; i < 100; i++) {
            assertThat(groups.anycast("fx.rate", PORT, Message.of("a" + i)).join().reply().bodyAsString()).startsWith("fx-");
            assertThat(requester.request("fx-a", PORT, Message.of("h" + i)).join().bodyAsString()).isEqualTo("fx-a");
        }

        assertThat(queries(realm.backbone())).as("lookups, watches and their renewals and ends, punches at the backbone").containsExactly(before);
        assertThat(realm.backbone().requests(DirectoryProtocol.OP_LOOKUP)).isZero();
    }

    @Test
    void callsToKnownProvidersAllSucceedWhileTheBackboneIsStopped() {
        realm.startBackbone();
        provider("fx-a", b -> b.capability("fx.rate"));
        provider("fx-b", b -> b.capability("fx.rate"));
        DirectoryClient requester = realm.agent("requester", b -> b);
        GroupMessaging groups = GroupMessaging.of(requester);
        groups.anycast("fx.rate", PORT, Message.empty()).join();
        requester.request("fx-b", PORT, Message.empty()).join();

        realm.stopBackbone();

        List<CompletableFuture<Message>> calls = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            calls.add(groups.anycast("fx.rate", PORT, Message.of("a" + i)).thenApply(AnycastReply::reply));
            calls.add(requester.request("fx-b", PORT, Message.of("h" + i)));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
        assertThat(calls).hasSize(1000).allSatisfy(call -> assertThat(call.join().bodyAsString()).startsWith("fx-"));
    }

    @Test
    void viewsFollowJoinsUpdatesAndLeavesAndSubscribeAgainAfterABackboneRestart() {
        realm.startBackbone();
        DirectoryClient first = provider("fx-a", b -> b.capability("fx.rate"));
        DirectoryClient requester = realm.agent("requester", b -> b);
        GroupMessaging groups = GroupMessaging.of(requester);
        assertThat(providers(requester)).containsExactly("fx-a");

        DirectoryClient second = provider("fx-b", b -> b.capability("fx.rate"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> providers(requester).size() == 2);
        // An update: fx-b joins a group, and anycasts within that group find it without a lookup.
        assertThatThrownBy(() -> groups.anycast("TRADING", "fx.rate", PORT, Message.empty()).join())
                .cause().isInstanceOf(PilotException.class);
        second.joinGroup("TRADING", null).join();
        await().atMost(10, TimeUnit.SECONDS).until(() -> groups.anycast("TRADING", "fx.rate", PORT, Message.empty())
                .handle((reply, error) -> error == null && reply.member().hostname().equals("fx-b")).join());
        first.close();
        await().atMost(10, TimeUnit.SECONDS).until(() -> providers(requester).equals(List.of("fx-b")));
        assertThat(realm.backbone().requests(DirectoryProtocol.OP_LOOKUP)).isZero();

        realm.restartBackbone(); // an empty directory: every node registers again, the requester watches again
        provider("fx-c", b -> b.capability("fx.rate"));

        await().atMost(30, TimeUnit.SECONDS).until(() -> providers(requester).contains("fx-c"));
        AtomicInteger servedByC = new AtomicInteger();
        await().atMost(10, TimeUnit.SECONDS).until(() -> {
            if (groups.anycast("fx.rate", PORT, Message.empty()).join().member().hostname().equals("fx-c")) {
                servedByC.incrementAndGet();
            }
            return servedByC.get() > 0;
        });
    }

    @Test
    void aCallerThatMeetsARestartedBackboneFirstKeepsItsProvidersUntilTheyRegisterAgain() {
        realm.startBackbone();
        provider("fx-a", b -> b.capability("fx.rate"));
        DirectoryClient requester = realm.agent("requester", b -> b);
        GroupMessaging groups = GroupMessaging.of(requester);
        groups.anycast("fx.rate", PORT, Message.empty()).join();
        RecordingListener heard = new RecordingListener();
        requester.watch(DirectoryProtocol.Query.CAPABILITY, "fx.rate", heard).join();

        // An empty directory. The requester registers again at once (a group change republishes its record), so
        // it meets the new epoch and renews its watches while fx-a is still unregistered: fx-a heartbeats every
        // 10 s (a third of the default lease) and only then finds the backbone restarted.
        realm.restartBackbone();
        requester.joinGroup("WATCHERS", null).join();
        await().atMost(10, TimeUnit.SECONDS)
                .until(() -> realm.backbone().requests(DirectoryProtocol.OP_WATCH_FROM) >= 2);
        // Else fx-a's heartbeat happened to find the restart first (one run in ten or more): nothing to prove then.
        assumeThat(realm.backbone().registrations()).as("fx-a has not registered again yet").isEqualTo(1);

        // Meanwhile, and after fx-a is back, the requester calls it as before and was never told it left.
        await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(groups.anycast("fx.rate", PORT, Message.empty()).join().member().hostname()).isEqualTo("fx-a");
            return realm.backbone().registrations() == 2;
        });
        assertThat(groups.anycast("fx.rate", PORT, Message.empty()).join().member().hostname()).isEqualTo("fx-a");
        assertThat(providers(requester)).containsExactly("fx-a");
        assertThat(heard.count("joined", "fx-a")).isEqualTo(1);
        assertThat(heard.count("left", "fx-a")).as(heard.heard().toString()).isZero();
    }

    @Test
    void aProviderThatFallsSilentIsFailedOverWithinTheTimeoutAndThenSetAside() throws Exception {
        realm.startBackbone();
        DirectoryClient silent = provider("fx-a", b -> b.capability("fx.rate"));
        provider("fx-b", b -> b.capability("fx.rate"));
        // The transport gives up on a silent peer after 1 s; a request would wait 5 s for its reply.
        DirectoryClient requester = realm.client("requester", n -> n.requestTimeout(Duration.ofSeconds(5))
                .transportConfig(TransportConfig.builder().unresponsiveTimeout(Duration.ofSeconds(1)).build()), b -> b);
        requester.start().join();
        // The requester reaches fx-a only through a forwarder: closing it silences fx-a as a SIGKILL would,
        // while fx-a stays registered (its lease runs on) and so stays in the view.
        UdpForwarder link = new UdpForwarder(silent.node().localEndpoint());
        requester.node().connect(silent.node().publicKey(), link.address()).join();
        GroupMessaging groups = GroupMessaging.builder(requester).selectionPolicy(FX_A_FIRST).build();
        assertThat(groups.anycast("fx.rate", PORT, Message.empty()).join().member().hostname()).isEqualTo("fx-a");

        link.close();

        AnycastReply failedOver = groups.anycast("fx.rate", PORT, Message.of("after")).get(5, TimeUnit.SECONDS);
        assertThat(failedOver.member().hostname()).isEqualTo("fx-b");
        assertThat(failedOver.attempts()).isEqualTo(2);
        // fx-a is reachable again directly now, and still first by the policy; but it is set aside.
        for (int i = 0; i < 20; i++) {
            AnycastReply reply = groups.anycast("fx.rate", PORT, Message.empty()).join();
            assertThat(reply.member().hostname()).isEqualTo("fx-b");
            assertThat(reply.attempts()).isEqualTo(1);
        }
    }

    @Test
    void eachOfAThousandConcurrentCallsRunsExactlyOnce() {
        realm.startBackbone();
        provider("fx-a", b -> b.capability("fx.rate"));
        provider("fx-b", b -> b.capability("fx.rate"));
        GroupMessaging groups = GroupMessaging.of(realm.agent("requester", b -> b));
        groups.anycast("fx.rate", PORT, Message.of("warm-up")).join();
        ran.values().forEach(List::clear);

        List<CompletableFuture<AnycastReply>> calls = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            calls.add(groups.anycast("fx.rate", PORT, Message.of("call-" + i)));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();

        List<String> all = new ArrayList<>();
        ran.values().forEach(all::addAll);
        assertThat(all).hasSize(1000).doesNotHaveDuplicates();
        for (int i = 0; i < 1000; i++) {
            AnycastReply reply = calls.get(i).join();
            assertThat(ran.get(reply.member().hostname())).contains("call-" + i);
            assertThat(reply.attempts()).isEqualTo(1);
        }
    }

    /** fx-a first, then the others: makes "which one goes first" a fact of the test. */
    private static final SelectionPolicy FX_A_FIRST = candidates -> candidates.stream()
            .sorted((x, y) -> x.member().hostname().compareTo(y.member().hostname())).toList();

    private static List<String> providers(DirectoryClient requester) {
        return requester.providers("fx.rate").join().stream().map(NodeRecord::hostname).sorted().toList();
    }

    private static long[] queries(Backbone backbone) {
        long[] counts = new long[DIRECTORY_QUERIES.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = backbone.requests(DIRECTORY_QUERIES[i]);
        }
        return counts;
    }

    /** A registered agent that answers requests on {@link #PORT} with its hostname, noting each request's body. */
    private DirectoryClient provider(String hostname, UnaryOperator<DirectoryClient.Builder> directory) {
        DirectoryClient agent = realm.agent(hostname, directory);
        List<String> mine = new CopyOnWriteArrayList<>();
        ran.put(hostname, mine);
        agent.node().listen(PORT, MessageHandler.of(in -> {
            mine.add(in.message().bodyAsString());
            return Message.of(hostname);
        }));
        return agent;
    }
}

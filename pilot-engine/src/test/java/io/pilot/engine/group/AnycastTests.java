package io.pilot.engine.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.Waits;
import io.pilot.engine.UdpForwarder;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.net.Impairment;
import io.pilot.engine.session.SessionSettings;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AnycastTests {

    private static final int PORT = 1001;

    /** Asks providers in hostname order: makes "which one goes first" a fact of the test, not of RTTs. */
    private static final SelectionPolicy BY_HOSTNAME = candidates -> candidates.stream()
            .sorted(Comparator.comparing(c -> c.member().hostname())).toList();

    /**
     * What the policy is shown for every provider measured, in place of the figure measured: providers on loopback are
     * equal, yet on a machine stalled by other work their measured RTTs differ by more than the default policy's 25 ms
     * step, and then the one measured slowest is never asked. A measured RTT stays measured, an unknown one unknown.
     */
    private static final Duration LOOPBACK_RTT = Duration.ofMillis(1);

    /** Give up a handshake quickly, so that an unreachable provider is known as such within the test. */
    private static final UnaryOperator<PilotNode.Builder> QUICK_CONNECT =
            n -> n.sessionSettings(SessionSettings.DEFAULTS.withConnectTimeout(Duration.ofSeconds(1)));

    @RegisterExtension
    final Realm realm = new Realm();

    /** Requests each provider answered, by hostname. */
    private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();

    @Test
    void equalProvidersTakeTurnsOnceMeasuredAndOnlyProvidersAreAsked() {
        realm.startBackbone();
        List.of("fx-1", "fx-2", "fx-3").forEach(name -> provider(name, b -> b.capability("fx.rate")));
        provider("papers", b -> b.capability("papers.search"));
        DirectoryClient requester = realm.agent("requester", b -> b.capability("fx.rate"));
        requester.node().listen(PORT, MessageHandler.of(in -> {
            throw new AssertionError("an anycast must not go to the requesting node itself");
        }));
        Recording policy = new Recording(equalOnceMeasured(SelectionPolicy.lowestRtt()));
        GroupMessaging groups = GroupMessaging.builder(requester).selectionPolicy(policy).build();
        // The first anycast goes to one provider and probes the others, so that all three get measured.
        policy.warmUp(groups);
        served.clear();

        for (int i = 0; i < 30; i++) {
            AnycastReply reply = groups.anycast("fx.rate", PORT, Message.of("EURUSD")).join();
            assertThat(reply.reply().bodyAsString()).isEqualTo(reply.member().hostname());
            assertThat(reply.attempts()).isEqualTo(1);
        }
        // Every RTT measured and equal, nothing in flight (each anycast ends before the next): they take turns.
        assertThat(served).containsOnlyKeys("fx-1", "fx-2", "fx-3");
        assertThat(served.values()).allSatisfy(count -> assertThat(count).hasValue(10));
    }

    @Test
    void theNearestProviderIsPreferred() {
        realm.startBackbone();
        provider("fx-near", b -> b.capability("fx.rate"));
        DirectoryClient far = realm.client("fx-far",
                n -> n.impairment(new Impairment(0, 0, 0, Duration.ofMillis(40), Duration.ZERO, 1)),
                b -> b.capability("fx.rate"));
        far.start().join();
        serve(far, "fx-far");
        Recording policy = new Recording(SelectionPolicy.lowestRtt());
        GroupMessaging groups = GroupMessaging.builder(realm.agent("requester", b -> b)).selectionPolicy(policy).build();
        policy.warmUp(groups);
        served.clear();

        for (int i = 0; i < 10; i++) {
            assertThat(groups.anycast("fx.rate", PORT, Message.empty()).join().member().hostname()).isEqualTo("fx-near");
        }
    }

    @Test
    void anycastWithinAGroupAsksOnlyItsMembers() {
        realm.startBackbone();
        provider("fx-research", b -> b.capability("fx.rate").group("RESEARCH"));
        provider("fx-trading", b -> b.capability("fx.rate").group("TRADING"));
        GroupMessaging groups = GroupMessaging.of(realm.agent("requester", b -> b));

        for (int i = 0; i < 5; i++) {
            assertThat(groups.anycast("TRADING", "fx.rate", PORT, Message.empty()).join().member().hostname())
                    .isEqualTo("fx-trading");
        }
        assertThatThrownBy(() -> groups.anycast("OPS", "fx.rate", PORT, Message.empty()).join())
                .cause().isInstanceOfSatisfying(PilotException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNREACHABLE))
                .hasMessageContaining("no live node of group OPS offers fx.rate");
    }

    @Test
    void aChosenProviderThatCannotBeReachedFailsOverToTheNext() {
        realm.startBackbone();
        // fx-a's node stops without a word: its record stays until the lease lapses, so it is still chosen.
        provider("fx-a", b -> b.capability("fx.rate")).node().close();
        provider("fx-b", b -> b.capability("fx.rate"));
        DirectoryClient requester = realm.client("requester", QUICK_CONNECT, b -> b);
        requester.start().join();
        GroupMessaging groups = GroupMessaging.builder(requester).selectionPolicy(BY_HOSTNAME).build();

        AnycastReply reply = groups.anycast("fx.rate", PORT, Message.empty()).join();

        assertThat(reply.member().hostname()).isEqualTo("fx-b");
        assertThat(reply.attempts()).isEqualTo(2);
    }

    @Test
    void failoverStopsAtTheAttemptLimitAndSaysWhatHappenedAtEach() {
        realm.startBackbone();
        provider("fx-a", b -> b.capability("fx.rate")).node().close();
        provider("fx-b", b -> b.capability("fx.rate")).node().close();
        provider("fx-c", b -> b.capability("fx.rate"));
        DirectoryClient requester = realm.client("requester", QUICK_CONNECT, b -> b);
        requester.start().join();
        GroupMessaging groups = GroupMessaging.builder(requester).selectionPolicy(BY_HOSTNAME).maxAttempts(2).build();

        assertThatThrownBy(() -> groups.anycast("fx.rate", PORT, Message.empty()).join())
                .isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(PilotException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNREACHABLE);
                    assertThat(e.getSuppressed()).hasSize(1);
                })
                .hasMessageContaining("fx-a: ").hasMessageContaining("fx-b: ");
        assertThat(served).isEmpty();
    }

    @Test
    void aRemoteFailureIsFinalBecauseTheRequestMayHaveRun() {
        realm.startBackbone();
        AtomicInteger ran = new AtomicInteger();
        realm.agent("fx-a", b -> b.capability("fx.rate")).node().listen(PORT, MessageHandler.of(in -> {
            ran.incrementAndGet();
            throw new IllegalStateException("rate source down");
        }));
        provider("fx-b", b -> b.capability("fx.rate"));
        GroupMessaging groups = GroupMessaging.builder(realm.agent("requester", b -> b)).selectionPolicy(BY_HOSTNAME).build();

        assertThatThrownBy(() -> groups.anycast("fx.rate", PORT, Message.empty()).join()).cause()
                .isInstanceOfSatisfying(PilotException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL))
                .hasMessageNotContaining("rate source down")
                .hasMessageNotContaining("IllegalStateException");
        assertThat(ran).hasValue(1);
        assertThat(served).isEmpty();
    }

    @Test
    void aProviderInQuarantineThatIsThereAnswersItsPingAndIsAskedOnceWhenNoOtherIsLeft() {
        realm.startBackbone();
        DirectoryClient fx = realm.agent("fx-a", b -> b.capability("fx.rate"));
        GroupMessaging groups = GroupMessaging.of(realm.agent("requester", b -> b));
        // Nothing listens yet: the provider fails as if gone, and is put in quarantine.
        assertThatThrownBy(() -> groups.anycast("fx.rate", PORT, Message.empty()).join()).cause()
                .isInstanceOfSatisfying(PilotException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_LISTENER));
        serve(fx, "fx-a");

        // The only provider left is in quarantine: it is pinged first, and answers, so the request goes to it, once.
        AnycastReply reply = groups.anycast("fx.rate", PORT, Message.empty()).join();

        assertThat(reply.member().hostname()).isEqualTo("fx-a");
        assertThat(reply.attempts()).isEqualTo(1);
        assertThat(served.get("fx-a")).hasValue(1);
    }

    @Test
    void aProviderThatLeftIsNoLongerAsked() {
        realm.startBackbone();
        DirectoryClient leaving = provider("fx-a", b -> b.capability("fx.rate"));
        provider("fx-b", b -> b.capability("fx.rate"));
        DirectoryClient requester = realm.agent("requester", b -> b);
        GroupMessaging groups = GroupMessaging.builder(requester).selectionPolicy(BY_HOSTNAME).build();
        assertThat(groups.anycast("fx.rate", PORT, Message.empty()).join().member().hostname()).isEqualTo("fx-a");

        leaving.close();
        leaving.node().close();
        // Providers come from a view the backbone keeps fresh by push: the leave reaches it a moment after the
        // deregistration (ViewLatencyTests measures how long), and from then on fx-a is never asked.
        await().atMost(Duration.ofSeconds(10)).until(() -> requester.providers("fx.rate").join().stream()
                .noneMatch(r -> r.hostname().equals("fx-a")));

        for (int i = 0; i < 3; i++) {
            AnycastReply reply = groups.anycast("fx.rate", PORT, Message.empty()).join();
            assertThat(reply.member().hostname()).isEqualTo("fx-b");
            assertThat(reply.attempts()).isEqualTo(1);
        }
    }

    @Test
    void providersNeverTalkedToAreProbedSoTheirRttBecomesKnown() {
        realm.startBackbone();
        provider("fx-a", b -> b.capability("fx.rate"));
        provider("fx-b", b -> b.capability("fx.rate"));
        Recording policy = new Recording(BY_HOSTNAME);
        GroupMessaging groups = GroupMessaging.builder(realm.agent("requester", b -> b)).selectionPolicy(policy).build();

        groups.anycast("fx.rate", PORT, Message.empty()).join();
        assertThat(policy.last()).noneMatch(Candidate::rttKnown);

        // Only fx-a was asked, yet the next anycasts see an RTT for fx-b too.
        policy.warmUp(groups);
        assertThat(served).containsOnlyKeys("fx-a");
    }

    @Test
    void aProviderMeasuredSlowWhileWarmingUpIsMeasuredAgainAndChosenOnceItIsNot() throws Exception {
        realm.startBackbone();
        provider("fx-a", b -> b.capability("fx.rate"));
        DirectoryClient late = provider("fx-late", b -> b.capability("fx.rate"));
        DirectoryClient requester = realm.agent("requester", b -> b);
        AtomicBoolean slow = new AtomicBoolean(true);
        try (UdpForwarder link = new UdpForwarder(late.node().localEndpoint(), datagram -> {
            if (slow.get()) {
                sleepQuietly(40); // fx-late "warms up": its first round trips take 40 ms more
            }
            return datagram;
        })) {
            requester.node().connect(late.node().publicKey(), link.address()).join();
            for (int i = 0; i < 5; i++) {
                requester.node().ping(late.node().address()).join();
            }
            Recording policy = new Recording(SelectionPolicy.lowestRtt());
            GroupMessaging groups = GroupMessaging.builder(requester).selectionPolicy(policy)
                    .probeInterval(Duration.ofMillis(500)).build();
            policy.warmUp(groups);
            assertThat(groups.anycast("fx.rate", PORT, Message.empty()).join().member().hostname()).isEqualTo("fx-a");

            // Warmed up: nothing is sent to fx-late by anycasts, so its session's RTT figure never changes by
            // itself; only measuring it again lets it compete.
            slow.set(false);
            served.clear();
            await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
                groups.anycast("fx.rate", PORT, Message.empty()).join();
                assertThat(served).containsKey("fx-late");
            });
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aCapabilityViewLetsAnycastChooseWithoutTheBackbone() throws Exception {
        realm.startBackbone();
        provider("fx-a", b -> b.capability("fx.rate"));
        // The requester would wait minutes for a backbone that is gone before falling back to its cache.
        DirectoryClient requester = realm.client("requester",
                n -> n.sessionSettings(SessionSettings.DEFAULTS.withConnectTimeout(Duration.ofMinutes(5))),
                b -> b.requestTimeout(Duration.ofMinutes(5)));
        requester.start().join();
        GroupMessaging groups = GroupMessaging.of(requester);
        DirectoryView providers = groups.viewCapability("fx.rate").join();
        provider("fx-b", b -> b.capability("fx.rate"));
        await().atMost(5, TimeUnit.SECONDS).until(() -> providers.records().size() == 2);

        realm.backboneNode().close();

        AnycastReply reply = groups.anycast("fx.rate", PORT, Message.empty()).get(20, TimeUnit.SECONDS);
        assertThat(reply.member().hostname()).isIn("fx-a", "fx-b");
    }

    @Test
    void aCallerBlockedOnAnAnycastToAKnownProviderIsWokenFromTheLoopAndDependentsNeverRunThere() throws Exception {
        realm.startBackbone();
        CountDownLatch release = new CountDownLatch(1);
        realm.agent("fx-held", b -> b.capability("fx.rate")).node().listen(PORT, in -> CompletableFuture.supplyAsync(() -> {
            if (in.message().bodyAsString().equals("hold")) {
                Waits.awaitLatch(release);
            }
            return Message.of("answered " + in.message().bodyAsString());
        }));
        GroupMessaging groups = GroupMessaging.of(realm.agent("requester", b -> b));
        // The first anycast opens the watch on the capability; its dependents run off the loop all the same.
        assertThat(groups.anycast("fx.rate", PORT, Message.of("first")).thenApply(reply -> threadName())
                .get(10, TimeUnit.SECONDS)).doesNotStartWith("pilot-io");

        CompletableFuture<AnycastReply> known = groups.anycast("fx.rate", PORT, Message.of("hold"));
        AtomicReference<String> dependentThread = new AtomicReference<>();
        known.thenRun(() -> dependentThread.set(threadName()));
        AtomicReference<String> joined = new AtomicReference<>();
        Thread caller = new Thread(() -> joined.set(known.join().reply().bodyAsString()), "test-caller");
        caller.start();
        Waits.awaitParked(caller);

        release.countDown();
        caller.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(joined.get()).isEqualTo("answered hold");
        // Woken straight from the loop, the caller completed the anycast's future on its own thread: no callback
        // thread stood between the reply and the caller, and the dependent ran where the caller's code runs.
        assertThat(dependentThread.get()).isEqualTo("test-caller");
    }

    @Test
    void anAnycastWithItsOwnTimeoutFailsWithDeadlineExceededWithinItAmongTheGroupsMembersOnly() throws Exception {
        realm.startBackbone();
        CountDownLatch release = new CountDownLatch(1);
        realm.agent("fx-held", b -> b.capability("fx.rate").group("TRADING")).node().listen(PORT,
                in -> CompletableFuture.supplyAsync(() -> {
                    Waits.awaitLatch(release);
                    return Message.of("late");
                }));
        provider("fx-other", b -> b.capability("fx.rate"));
        GroupMessaging groups = GroupMessaging.of(realm.agent("requester", b -> b));
        try {
            // The node's own request timeout is the realm's default (far longer): the anycast's timeout ends it, as the
            // attempt's deadline, which the provider enforces (it answers DEADLINE_EXCEEDED and cancels the work).
            assertThatThrownBy(() -> groups.anycast("TRADING", "fx.rate", PORT, Message.empty(), Duration.ofMillis(300))
                    .get(10, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(PilotException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
            assertThat(served).doesNotContainKey("fx-other");
            release.countDown(); // the held provider may be chosen next: it must answer now
            assertThat(groups.anycast(null, "fx.rate", PORT, Message.empty(), Duration.ofSeconds(10))
                    .get(10, TimeUnit.SECONDS).member()).isNotNull();
            assertThatThrownBy(() -> groups.anycast(null, "fx.rate", PORT, Message.empty(), Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout must be positive");
        } finally {
            release.countDown();
        }
    }

    @Test
    void cancellingAnAnycastCancelsTheAttemptInFlightAndAsksNoOtherProvider() throws Exception {
        realm.startBackbone();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        AtomicReference<ErrorCode> reason = new AtomicReference<>();
        realm.agent("fx-a", b -> b.capability("fx.rate")).node().listen(PORT, in -> {
            in.cancellation().onCancel(() -> {
                reason.set(in.cancellation().reason());
                cancelled.countDown();
            });
            started.countDown();
            return new CompletableFuture<>(); // answers nothing: only a cancel ends it
        });
        provider("fx-b", b -> b.capability("fx.rate"));
        GroupMessaging groups = GroupMessaging.builder(realm.agent("requester", b -> b)).selectionPolicy(BY_HOSTNAME).build();
        CompletableFuture<AnycastReply> anycast = groups.anycast("fx.rate", PORT, Message.of("EURUSD"));
        Waits.awaitLatch(started);

        assertThat(anycast.cancel(true)).isTrue();

        Waits.awaitLatch(cancelled);
        assertThat(reason.get()).isEqualTo(ErrorCode.CANCELLED);
        assertThat(anycast).isCancelled();
        // The provider after it in the order is not asked on the cancelled caller's behalf.
        assertThat(served).doesNotContainKey("fx-b");
    }

    @Test
    void aThousandConcurrentAnycastsAreEachServedAndAnsweredExactlyOnce() throws Exception {
        realm.startBackbone();
        Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        for (String name : List.of("fx-a", "fx-b")) {
            realm.agent(name, b -> b.capability("fx.rate")).node().listen(PORT, MessageHandler.of(in -> {
                handled.computeIfAbsent(in.message().bodyAsString(), k -> new AtomicInteger()).incrementAndGet();
                return Message.of(name + " re " + in.message().bodyAsString());
            }));
        }
        GroupMessaging groups = GroupMessaging.of(realm.agent("requester", b -> b));
        groups.anycast("fx.rate", PORT, Message.of("warm-up")).get(10, TimeUnit.SECONDS);
        handled.clear();
        int calls = 1_000;
        Map<String, AtomicInteger> completed = new ConcurrentHashMap<>();
        Map<String, String> replies = new ConcurrentHashMap<>();
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                String body = "call " + i;
                boolean blocking = i % 2 == 0;
                all.add(CompletableFuture.runAsync(() -> {
                    CompletableFuture<AnycastReply> reply = groups.anycast("fx.rate", PORT, Message.of(body));
                    // Half the callers block, half only add a dependent: both ways of being told, interleaved.
                    CompletableFuture<Void> counted = reply.thenAccept(r -> {
                        completed.computeIfAbsent(body, k -> new AtomicInteger()).incrementAndGet();
                        replies.put(body, r.reply().bodyAsString());
                    });
                    if (blocking) {
                        reply.join();
                    }
                    counted.join();
                }, callers));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            callers.shutdownNow();
        }
        assertThat(completed).hasSize(calls);
        assertThat(completed.values()).allSatisfy(count -> assertThat(count).hasValue(1));
        assertThat(handled).hasSize(calls);
        assertThat(handled.values()).allSatisfy(count -> assertThat(count).hasValue(1));
        for (int i = 0; i < calls; i++) {
            assertThat(replies.get("call " + i)).matches("fx-[ab] re call " + i);
        }
    }

    /** A registered agent that serves {@link #PORT}. */
    /**
     * A provider that stops and comes back with the same key on another port (a restart elsewhere) is reached at its
     * new endpoint, directly: the requester's peer entry takes the endpoints of the record that follows the one that
     * left (PROTOCOL.md §10, gap 26), where it kept the old ones until it forgot the peer as idle.
     */
    @Test
    void aProviderThatComesBackElsewhereWithItsKeyIsReachedThereDirectly() throws Exception {
        realm.startBackbone();
        Identity key = TestNodes.newIdentity();
        DirectoryClient first = realm.client("fx", n -> n.identity(key), d -> d.capability("fx.rate"));
        first.start().join();
        serve(first, "fx");
        DirectoryClient requester = realm.agent("requester", b -> b);
        GroupMessaging groups = GroupMessaging.builder(requester).build();
        assertThat(groups.anycast("fx.rate", PORT, Message.empty()).join().reply().bodyAsString()).isEqualTo("fx");
        PilotAddress fx = first.node().address();
        InetSocketAddress before = requester.node().peer(fx).orElseThrow().endpoint();

        first.close(); // deregisters
        first.node().close();
        DirectoryClient again = realm.client("fx", n -> n.identity(key), d -> d.capability("fx.rate"));
        again.start().join();
        serve(again, "fx");
        InetSocketAddress after = again.node().localEndpoint();
        assertThat(after).isNotEqualTo(before);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(requester.node().peer(fx).orElseThrow().endpoint()).isEqualTo(after));
        AnycastReply reply = groups.anycast("fx.rate", PORT, Message.empty()).get(10, TimeUnit.SECONDS);
        assertThat(reply.reply().bodyAsString()).isEqualTo("fx");
        assertThat(requester.node().peer(fx).orElseThrow().relayed()).as("reached directly, not through the relay")
                .isFalse();
    }

    private DirectoryClient provider(String hostname, UnaryOperator<DirectoryClient.Builder> directory) {
        return serve(realm.agent(hostname, directory), hostname);
    }

    /** Answers requests on {@link #PORT} with the hostname, counting them. */
    private DirectoryClient serve(DirectoryClient agent, String hostname) {
        agent.node().listen(PORT, MessageHandler.of(in -> {
            served.computeIfAbsent(hostname, h -> new AtomicInteger()).incrementAndGet();
            return Message.of(hostname);
        }));
        return agent;
    }

    private static String threadName() {
        return Thread.currentThread().getName();
    }

    /** Orders as {@code policy} does, showing it {@link #LOOPBACK_RTT} for every provider whose RTT was measured. */
    private static SelectionPolicy equalOnceMeasured(SelectionPolicy policy) {
        return candidates -> policy.order(candidates.stream()
                .map(c -> c.rttKnown() ? new Candidate(c.member(), LOOPBACK_RTT, c.inFlight()) : c).toList());
    }

    /** Orders as another policy does, remembering what it was shown. */
    private static final class Recording implements SelectionPolicy {
        private final SelectionPolicy delegate;
        private volatile List<Candidate> last = List.of();

        Recording(SelectionPolicy delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<Candidate> order(List<Candidate> candidates) {
            last = candidates;
            return delegate.order(candidates);
        }

        List<Candidate> last() {
            return last;
        }

        /** Anycasts until the policy is shown an RTT for every provider: the first anycast's probes measure them. */
        void warmUp(GroupMessaging groups) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> {
                groups.anycast("fx.rate", PORT, Message.empty()).join();
                return last.stream().allMatch(Candidate::rttKnown);
            });
        }
    }
}

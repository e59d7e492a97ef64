package io.pilot.engine.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.transport.TransportConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A provider SIGKILLed for real (a process of its own: no word to anyone, its record left in the directory until its
 * lease lapses), and what the anycasts after it do.
 */
class DeadProviderTests {

    private static final int PORT = 1001;

    /**
     * The requester holds on to a silent peer far longer than the test lasts (handshake and transport give up after a
     * minute): whatever the test sees, it did not wait for the dead provider to be written off.
     */
    private static final UnaryOperator<PilotNode.Builder> PATIENT = n -> n
            .sessionSettings(SessionSettings.DEFAULTS.withConnectTimeout(Duration.ofMinutes(1)))
            .transportConfig(TransportConfig.builder().unresponsiveTimeout(Duration.ofMinutes(1)).build());

    /**
     * The providers in turn, whatever their RTTs: the default policy ranks by RTT in 25 ms steps first, and on a loaded
     * machine the provider process's RTT can land a step above the in-process one's, which then took every call and
     * left no failover to see.
     */
    private static final SelectionPolicy ROUND_ROBIN = new SelectionPolicy() {
        private final AtomicInteger turn = new AtomicInteger();

        @Override
        public List<Candidate> order(List<Candidate> candidates) {
            List<Candidate> ordered = new ArrayList<>(candidates);
            ordered.sort(Comparator.comparing(c -> c.member().address()));
            Collections.rotate(ordered, -Math.floorMod(turn.getAndIncrement(), Math.max(1, ordered.size())));
            return ordered;
        }
    };

    @RegisterExtension
    final Realm realm = new Realm();

    private Process provider;

    @AfterEach
    void killProvider() {
        if (provider != null) {
            provider.destroyForcibly();
        }
    }

    /**
     * The requester gives up on a silent connection after 3 s instead of the default 10: the same failover, sooner, so
     * that the test stays short; the calls' own timeout (10 s) still has room for it.
     */
    private static final UnaryOperator<PilotNode.Builder> QUICK_TO_GIVE_UP = n -> n
            .transportConfig(TransportConfig.builder().unresponsiveTimeout(Duration.ofSeconds(3)).build());

    @Test
    void callsSentToAProviderSigkilledFailOverToTheOtherWithinTheirTimeoutAndRunExactlyOnce() throws Exception {
        realm.startBackbone();
        DirectoryClient requester = realm.client("requester", QUICK_TO_GIVE_UP, b -> b);
        requester.start().join();
        GroupMessaging groups = GroupMessaging.builder(requester).selectionPolicy(ROUND_ROBIN).build();
        provider = startProvider("fx-dead");
        Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
        DirectoryClient live = realm.agent("fx-live", b -> b.capability("fx.rate"));
        serveCounting(live, "fx-live", served);
        // Both providers answered at least once: both are known, measured and connected.
        Set<String> answered = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 200 && answered.size() < 2; i++) {
            answered.add(groups.anycast("fx.rate", PORT, Message.of("warm " + i)).get(30, TimeUnit.SECONDS)
                    .member().hostname());
        }
        assertThat(answered).containsExactlyInAnyOrder("fx-dead", "fx-live");
        served.clear();

        provider.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        // Calls at once, as callers of a busy app would make them: the policy takes the providers in turn, so half are
        // sent to the dead one first, whose record still stands.
        int calls = 8;
        List<CompletableFuture<AnycastReply>> replies = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            replies.add(groups.anycast(null, "fx.rate", PORT, Message.of("after " + i), Duration.ofSeconds(10)));
        }

        int failedOver = 0;
        for (CompletableFuture<AnycastReply> future : replies) {
            AnycastReply reply = future.get(60, TimeUnit.SECONDS); // each fails on its own 10 s timeout if not answered
            assertThat(reply.member().hostname()).isEqualTo("fx-live");
            failedOver += reply.attempts() == 2 ? 1 : 0;
            assertThat(reply.attempts()).isBetween(1, 2);
        }
        assertThat(failedOver).as("calls sent to the dead provider first, answered by the other").isPositive();
        assertThat(served).as("each call ran once, at the provider that lives").hasSize(calls);
        assertThat(served.values()).allSatisfy(count -> assertThat(count).hasValue(1));
    }

    @Test
    void aProviderJoiningWhileTheOnlyOtherIsDeadInQuarantineAnswersTheCallThatWasWaitingExactlyOnce() throws Exception {
        realm.startBackbone();
        DirectoryClient requester = realm.client("requester", PATIENT, b -> b);
        requester.start().join();
        GroupMessaging groups = GroupMessaging.of(requester);
        provider = startProvider("fx-dead");
        assertThat(groups.anycast("fx.rate", PORT, Message.of("before")).get(30, TimeUnit.SECONDS).member().hostname())
                .isEqualTo("fx-dead");

        provider.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        // The first call after the death learns it (no answer in its time) and puts the provider in quarantine.
        assertThatThrownBy(() -> groups.anycast(null, "fx.rate", PORT, Message.of("lost"), Duration.ofMillis(500))
                .get(30, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(PilotException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT));

        // Its record still stands (the lease has not lapsed), so the next calls have only the dead provider to choose:
        // with nobody else, one fails within its own timeout, the request never sent.
        assertThatThrownBy(() -> groups.anycast(null, "fx.rate", PORT, Message.of("alone"), Duration.ofMillis(500))
                .get(30, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(PilotException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT))
                .hasMessageContaining("in quarantine");
        CompletableFuture<AnycastReply> waiting = groups.anycast(null, "fx.rate", PORT, Message.of("waiting"),
                Duration.ofSeconds(40));
        Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
        DirectoryClient newcomer = realm.agent("fx-new", b -> b.capability("fx.rate"));
        long registered = System.nanoTime();
        serveCounting(newcomer, "fx-new", served);

        // The call does not sit out the dead provider's handshake (a minute here): the newcomer answers it.
        AnycastReply reply = waiting.get(60, TimeUnit.SECONDS);
        System.out.printf("newcomer registered -> the call waiting on the dead provider answered by it: %.1f ms%n",
                (System.nanoTime() - registered) / 1e6);
        assertThat(reply.member().hostname()).isEqualTo("fx-new");
        assertThat(reply.attempts()).isEqualTo(1);
        assertThat(served).containsOnlyKeys("waiting");
        assertThat(served.get("waiting")).hasValue(1);
    }

    /** Serves {@link #PORT} on {@code provider}'s node, answering its hostname and counting each request body it ran. */
    private static void serveCounting(DirectoryClient provider, String hostname, Map<String, AtomicInteger> served) {
        provider.node().listen(PORT, MessageHandler.of(in -> {
            served.computeIfAbsent(in.message().bodyAsString(), k -> new AtomicInteger()).incrementAndGet();
            return Message.of(hostname);
        }));
    }

    /** A provider in a process of its own, registered for {@code fx.rate}, answering on {@link #PORT}. */
    private Process startProvider(String hostname) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", ProviderProcess.class.getName(),
                HostPort.format(realm.backboneNode().localEndpoint()), realm.backboneNode().publicKey().toString(),
                hostname, "fx.rate", String.valueOf(PORT)).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("PROVIDER ")) {
                return process;
            }
        }
        throw new AssertionError("the provider process ended before it served");
    }
}

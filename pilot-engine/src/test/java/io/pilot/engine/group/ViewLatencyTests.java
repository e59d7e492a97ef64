package io.pilot.engine.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How long a provider's join or leave takes to change what anycasts choose from, on loopback. Printed, not
 * asserted (speed is measured, never asserted); what is asserted is that the change arrives at all.
 */
class ViewLatencyTests {

    private static final int PORT = 1001;
    private static final int ROUNDS = 10;

    @RegisterExtension
    final Realm realm = new Realm();

    @Test
    void joinsAndLeavesReachTheChoiceByPush() {
        realm.startBackbone();
        provider("fx-stays");
        DirectoryClient requester = realm.agent("requester", b -> b);
        GroupMessaging groups = GroupMessaging.of(requester);
        groups.anycast("fx.rate", PORT, Message.empty()).join(); // opens the watch
        List<Long> joins = new ArrayList<>();
        List<Long> joinsAfterRegistered = new ArrayList<>();
        List<Long> leaves = new ArrayList<>();
        List<Long> leavesAfterDeregistered = new ArrayList<>();

        for (int round = 0; round < ROUNDS; round++) {
            String hostname = "fx-" + round;
            DirectoryClient joining = realm.client(hostname, n -> n, b -> b.capability("fx.rate"));
            long start = System.nanoTime();
            joining.start().join(); // registered: the backbone has it, and pushes it
            long registered = System.nanoTime();
            long chosen = waitUntil(requester, names -> names.contains(hostname));
            joins.add(chosen - start);
            joinsAfterRegistered.add(Math.max(0, chosen - registered));

            long leaving = System.nanoTime();
            joining.close(); // deregisters (waiting for the backbone's reply): the backbone pushes the leave
            long deregistered = System.nanoTime();
            long gone = waitUntil(requester, names -> !names.contains(hostname));
            leaves.add(gone - leaving);
            leavesAfterDeregistered.add(Math.max(0, gone - deregistered));
        }

        System.out.printf("view latency on loopback over %d rounds (p50 / max, us): join->chosen %d / %d from the "
                        + "start of registration, %d / %d from its reply; leave->no longer chosen %d / %d from the "
                        + "start of deregistration, %d / %d from its reply%n", ROUNDS,
                median(joins), max(joins), median(joinsAfterRegistered), max(joinsAfterRegistered),
                median(leaves), max(leaves), median(leavesAfterDeregistered), max(leavesAfterDeregistered));
        assertThat(joins).hasSize(ROUNDS);
        assertThat(leaves).hasSize(ROUNDS);
    }

    /** Polls what anycasts choose from until {@code done}; returns the time it became so. */
    private static long waitUntil(DirectoryClient requester, Predicate<List<String>> done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            List<String> names = requester.providers("fx.rate").join().stream().map(NodeRecord::hostname).toList();
            if (done.test(names)) {
                return System.nanoTime();
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the view did not change within 10 s");
    }

    private static long median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1000;
    }

    private static long max(List<Long> nanos) {
        return Collections.max(nanos) / 1000;
    }

    private void provider(String hostname) {
        realm.agent(hostname, b -> b.capability("fx.rate")).node().listen(PORT, MessageHandler.of(in -> Message.of(hostname)));
    }
}

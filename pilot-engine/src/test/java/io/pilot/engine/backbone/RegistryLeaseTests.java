package io.pilot.engine.backbone;

import io.pilot.engine.TestNodes;
import io.pilot.engine.directory.CapabilityInfo;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.identity.Identity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry's leases on its lease wheel and its records as held, on a clock the test moves. */
class RegistryLeaseTests {

    private static final long LEASE = 10_000;
    private static final long SLOT = LEASE / 20;

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final Registry registry = new Registry(0, TestNodes.newIdentity().publicKey(),
            BackboneSettings.DEFAULTS.withLeaseTtl(Duration.ofMillis(LEASE)), DirectoryStore.none(), clock::get);

    private SignedRecord register(Identity node, String hostname, long sequence) {
        NodeRecord record = new NodeRecord(0, node.publicKey(), hostname, List.of(CapabilityInfo.of(hostname + ".skill")),
                new TreeSet<>(List.of("bench")), List.of(), sequence, clock.get() + 3_600_000);
        SignedRecord signed = SignedRecord.sign(record, node);
        registry.register(node.publicKey(), signed, "", Map.of());
        return signed;
    }

    @Test
    void aLapsedLeaseIsRemovedByTheSweepAfterItsSlotAndTheWatchersHear() {
        Identity node = TestNodes.newIdentity();
        Identity watcher = TestNodes.newIdentity();
        register(node, "fx", 1);
        register(watcher, "watcher", 1);
        registry.watch(watcher.publicKey().address(0), Query.HOSTNAME, "fx");
        registry.heartbeat(watcher.publicKey()); // the watcher stays

        clock.addAndGet(LEASE - 1);
        registry.heartbeat(watcher.publicKey());
        assertThat(registry.expire()).isEmpty();
        assertThat(registry.size()).isEqualTo(2);

        clock.addAndGet(2 * SLOT);
        List<Registry.Event> events = registry.expire();

        assertThat(registry.size()).isEqualTo(1);
        assertThat(registry.lookup(Query.HOSTNAME, "fx")).isEmpty();
        assertThat(events).singleElement().satisfies(e -> assertThat(e.record().hostname).isEqualTo("fx"));
    }

    @Test
    void aHeartbeatKeepsARecordAcrossManyLeasesAndFilesNothingNew() {
        Identity node = TestNodes.newIdentity();
        register(node, "fx", 1);
        for (int i = 0; i < 30; i++) {
            clock.addAndGet(LEASE / 3);
            registry.heartbeat(node.publicKey());
            registry.expire();
            assertThat(registry.leasesFiled()).isEqualTo(1);
        }
        assertThat(registry.size()).isEqualTo(1);

        clock.addAndGet(LEASE + 2 * SLOT);
        registry.expire();
        assertThat(registry.size()).isZero();
        assertThat(registry.leasesFiled()).isZero();
    }

    @Test
    void aReplacedRecordLeftInTheWheelDoesNotRemoveItsSuccessor() {
        Identity node = TestNodes.newIdentity();
        register(node, "fx", 1);
        clock.addAndGet(LEASE / 2);
        SignedRecord second = register(node, "fx", 2); // a fresh lease, filed anew; the first stays filed as it was

        clock.addAndGet(LEASE / 2 + 2 * SLOT); // the first lease's slot has come, the second's not
        assertThat(registry.expire()).isEmpty();

        assertThat(registry.lookup(Query.HOSTNAME, "fx")).singleElement()
                .satisfies(r -> assertThat(r.signedBytes()).isEqualTo(second.toBytes()));
    }

    @Test
    void aHeartbeatAfterTheLeaseWasSweptIsRefused() {
        Identity node = TestNodes.newIdentity();
        register(node, "fx", 1);
        clock.addAndGet(LEASE + 2 * SLOT);
        registry.expire();

        assertThatThrownBy(() -> registry.heartbeat(node.publicKey())).isInstanceOf(DirectoryException.class);
    }

    @Test
    void heldRecordsShareTheirGroupNamesAndServeTheSignedBytes() {
        SignedRecord a = register(TestNodes.newIdentity(), "a", 1);
        SignedRecord b = register(TestNodes.newIdentity(), "b", 1);
        register(TestNodes.newIdentity(), "c", 1);

        List<HeldRecord> group = registry.lookup(Query.GROUP, "bench");
        assertThat(group).extracting(r -> r.hostname).containsExactly("a", "b", "c");
        List<String> names = new ArrayList<>();
        group.forEach(r -> r.forEachGroup(names::add));
        assertThat(names.get(2)).as("the instance the second holder brought, shared from then on").isSameAs(names.get(1));
        assertThat(group.get(0).signedBytes()).isEqualTo(a.toBytes());
        assertThat(group.get(1).signedBytes()).isEqualTo(b.toBytes());
        assertThat(registry.lookup(Query.CAPABILITY, "b.skill")).extracting(r -> r.hostname).containsExactly("b");
    }

    @Test
    void aReleasedHostnameIsForgottenOnceItsHoldHasPassedInMemoryAndInTheStore() {
        List<String> deleted = new ArrayList<>();
        DirectoryStore store = new DirectoryStore() {
            @Override
            public Snapshot load() {
                return DirectoryStore.none().load();
            }

            @Override
            public void saveRecord(SignedRecord record) {
            }

            @Override
            public void deleteRecord(io.pilot.engine.address.PilotAddress address) {
            }

            @Override
            public void saveBinding(HostnameBinding binding) {
            }

            @Override
            public void deleteBinding(String hostname) {
                deleted.add(hostname);
            }

            @Override
            public void saveGroup(GroupDefinition group) {
            }

            @Override
            public void close() {
            }
        };
        long hold = LEASE / 2; // within the lease of the name claimed again, which stays live
        Registry held = new Registry(0, TestNodes.newIdentity().publicKey(), BackboneSettings.DEFAULTS
                .withLeaseTtl(Duration.ofMillis(LEASE)).withHostnameHold(Duration.ofMillis(hold)), store, clock::get);
        Identity pod = TestNodes.newIdentity();
        Identity back = TestNodes.newIdentity();
        for (Identity node : List.of(pod, back)) {
            NodeRecord record = new NodeRecord(0, node.publicKey(), node == pod ? "worker-7f3a" : "worker-back", List.of(),
                    new TreeSet<>(), List.of(), 1, clock.get() + 3_600_000);
            held.register(node.publicKey(), SignedRecord.sign(record, node), "", Map.of());
            held.deregister(node.publicKey());
        }
        assertThat(held.bindingsHeld()).as("both names held for their keys").isEqualTo(2);
        // The second name's key comes back within the hold: its record holds the name again, no binding apart.
        NodeRecord again = new NodeRecord(0, back.publicKey(), "worker-back", List.of(), new TreeSet<>(), List.of(), 2,
                clock.get() + 3_600_000);
        held.register(back.publicKey(), SignedRecord.sign(again, back), "", Map.of());

        clock.addAndGet(hold - 1);
        held.expire();
        assertThat(held.bindingsHeld()).as("within the hold").isEqualTo(1);
        assertThat(deleted).isEmpty();

        clock.addAndGet(1);
        held.expire();
        assertThat(held.bindingsHeld()).isZero();
        assertThat(deleted).as("once, and not the name claimed again").containsExactly("worker-7f3a");
    }
}

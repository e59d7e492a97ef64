package io.pilot.engine.backbone;

import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.identity.Identity;

import java.security.SecureRandom;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write through a shared store (etcd) changes several keys at one revision, and the store's feed hands them over
 * one by one. The writer must wait for all of them, not for the first: a registration's reply must not overtake its
 * record in this backbone's own replica (a heartbeat or lookup sent at once would be refused or miss).
 */
class SharedStoreWriteTests {

    @Test
    void aRegistrationReturnsOnlyOnceItsWholeTransactionReachedTheReplica() {
        FeedingStore store = new FeedingStore();
        Identity backbone = Identity.generate(new SecureRandom());
        Registry registry = new Registry(0, backbone.publicKey(), BackboneSettings.DEFAULTS, store, System::currentTimeMillis);
        Identity agent = Identity.generate(new SecureRandom());
        SignedRecord record = SignedRecord.sign(new NodeRecord(0, agent.publicKey(), "alice", List.of(), new TreeSet<>(),
                List.of(), 1, System.currentTimeMillis() + 3_600_000), agent);
        store.registry = registry;

        registry.register(agent.publicKey(), record, "", Map.of());

        // The feed applies the binding first and the record 100 ms later, as etcd's watch may: had register returned
        // at the binding, the record would not be here yet.
        assertThat(registry.find(record.record().address())).isNotNull();
        assertThat(store.feeder.join()).isEqualTo("fed");
    }

    /** A store whose register() is answered at once and whose feed brings the transaction's two keys apart. */
    private static final class FeedingStore implements SharedDirectoryStore {
        private static final long REVISION = 7;
        Registry registry;
        CompletableFuture<String> feeder;

        @Override
        public long register(SignedRecord record, Check<HostnameBinding> hostname, List<HostnameBinding> released) {
            feeder = CompletableFuture.supplyAsync(() -> {
                registry.apply(new DirectoryChange.BindingPut(new HostnameBinding(record.record().hostname(),
                        record.record().key(), 0), REVISION));
                sleep(100);
                registry.apply(new DirectoryChange.RecordPut(record, true, REVISION));
                registry.apply(new DirectoryChange.Settled(REVISION));
                return "fed";
            });
            return REVISION;
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public Snapshot load() {
            return new Snapshot(List.of(), List.of(), List.of(), 1);
        }

        @Override
        public void follow(Consumer<DirectoryChange> changes, Supplier<Collection<SignedRecord>> attached) {
        }

        @Override
        public long remove(SignedRecord record, HostnameBinding released) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long createGroup(GroupDefinition group, Check<GroupDefinition> existing) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long forgetBinding(HostnameBinding released) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}

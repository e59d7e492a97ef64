package io.pilot.backbone.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.HostnameBinding;
import io.pilot.engine.backbone.StoredValues;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Released hostname bindings on a shared store: two backbones on one real etcd delete a released binding once its
 * hold has passed (docs/PROTOCOL.md §10, gap 40), and leave alone a name claimed again meanwhile.
 */
class ReleasedBindingsTests {

    /** A lease sweep every 200 ms; a name released stays bound to its key for 3 s. */
    private static final BackboneSettings QUICK = BackboneSettings.DEFAULTS.withLeaseTtl(Duration.ofSeconds(2))
            .withHostnameHold(Duration.ofSeconds(3));

    @TempDir
    Path dir;

    private EtcdProcess etcd;
    private Realm realm;
    private Client etcdClient;
    private final EtcdKeys keys = new EtcdKeys(0);

    @BeforeEach
    void start() throws Exception {
        etcd = EtcdProcess.start(dir);
        realm = new Realm("etcd://" + etcd.endpoint());
        etcdClient = Client.builder().endpoints("http://" + etcd.endpoint()).build();
    }

    @AfterEach
    void stop() throws Exception {
        if (realm != null) {
            realm.close();
        }
        if (etcdClient != null) {
            etcdClient.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void aReleasedHostnameIsDeletedFromEtcdOnceItsHoldHasPassedAndANameClaimedAgainStays() throws Exception {
        Backbone one = realm.backbone(QUICK);
        Backbone two = realm.backbone(QUICK);
        DirectoryClient gone = realm.agent(one, "pod-gone", b -> b);
        DirectoryClient back = realm.agent(two, "pod-back", b -> b);
        assertThat(stored("pod-gone").releasedAtMillis()).as("claimed").isZero();

        gone.close();
        back.close();
        await().atMost(10, TimeUnit.SECONDS).until(() -> stored("pod-gone") != null
                && stored("pod-gone").releasedAtMillis() != 0 && stored("pod-back").releasedAtMillis() != 0);
        // The same key takes its name back within the hold (through the backbone its node knows: the realm's backbones
        // share one identity): its binding is a claim again, which nothing forgets.
        PilotNode backNode = back.node();
        DirectoryClient again = realm.closeLater(DirectoryClient.builder(backNode).hostname("pod-back")
                .backbone(two.node().localEndpoint(), two.node().publicKey()).requestTimeout(Duration.ofSeconds(15))
                .build());
        again.start().join();
        assertThat(stored("pod-back").releasedAtMillis()).isZero();

        await().atMost(20, TimeUnit.SECONDS).alias("the released binding deleted after its hold")
                .until(() -> stored("pod-gone") == null);
        Thread.sleep(QUICK.hostnameHold().toMillis() + 1_000); // past pod-back's hold too, had it been left released
        HostnameBinding claimed = stored("pod-back");
        assertThat(claimed).isNotNull();
        assertThat(claimed.releasedAtMillis()).isZero();
        assertThat(claimed.key()).isEqualTo(backNode.publicKey());

        // The name is free: another key claims it through either backbone, and both see the new holder.
        DirectoryClient newcomer = realm.agent(two, "pod-gone", b -> b);
        assertThat(stored("pod-gone").key()).isEqualTo(newcomer.node().publicKey());
        await().atMost(10, TimeUnit.SECONDS).until(() -> one.registrations() == 2 && two.registrations() == 2);
    }

    @Test
    void aBindingIsDeletedOnlyWhileItIsTheOneStored() throws Exception {
        NodeKey key = Identity.generate(new SecureRandom()).publicKey();
        HostnameBinding released = new HostnameBinding("pod-x", key, 1_000);
        etcdClient.getKVClient().put(keys.hostname("pod-x"), ByteSequence.from(StoredValues.binding(released)))
                .get(10, TimeUnit.SECONDS);
        try (EtcdDirectoryStore store = EtcdDirectoryStore.open("etcd://" + etcd.endpoint(), 0, Duration.ofSeconds(10))) {
            assertThat(store.forgetBinding(new HostnameBinding("pod-x", key, 999))).as("released at another time").isZero();
            assertThat(store.forgetBinding(new HostnameBinding("pod-x", key, 0))).as("a claim").isZero();
            assertThat(store.forgetBinding(new HostnameBinding("pod-y", key, 1_000))).as("no such binding").isZero();
            assertThat(stored("pod-x")).isEqualTo(released);

            assertThat(store.forgetBinding(released)).isPositive();
            assertThat(stored("pod-x")).isNull();
            assertThat(store.forgetBinding(released)).as("gone already").isZero();
        }
    }

    /** The binding etcd holds for {@code hostname}, or null. */
    private HostnameBinding stored(String hostname) throws Exception {
        ByteSequence key = keys.hostname(hostname);
        List<KeyValue> found = etcdClient.getKVClient().get(key).get(10, TimeUnit.SECONDS).getKvs();
        return found.isEmpty() ? null : StoredValues.binding(hostname, found.get(0).getValue().getBytes());
    }
}

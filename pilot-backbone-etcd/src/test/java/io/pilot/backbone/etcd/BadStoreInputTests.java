package io.pilot.backbone.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStores;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A wrong or unreachable etcd, wrong credentials and corrupt values: clear errors, nothing lost or overwritten. */
@Isolated // swaps System.err to read what the backbone logs: no other class may log meanwhile
class BadStoreInputTests {

    @TempDir
    Path dir;

    @Test
    void malformedUrlsAreRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> EtcdLocation.parse("etcd://", Map.of())).hasMessageContaining("names no HOST:PORT");
        assertThatThrownBy(() -> EtcdLocation.parse("etcd://host-without-port", Map.of()))
                .hasMessageContaining("'host-without-port'").hasMessageContaining("is not HOST:PORT");
        assertThatThrownBy(() -> EtcdLocation.parse("etcd://127.0.0.1:2379?colour=blue", Map.of()))
                .hasMessageContaining("unknown etcd store option 'colour'");
        assertThatThrownBy(() -> EtcdLocation.parse("etcd://127.0.0.1:2379?ca=/nowhere/ca.pem", Map.of()))
                .hasMessageContaining("ca=/nowhere/ca.pem: no readable file there");
        assertThatThrownBy(() -> EtcdLocation.parse("etcd://127.0.0.1:2379?user=pilot", Map.of()))
                .hasMessageContaining("etcd user 'pilot' needs a password");
        assertThatThrownBy(() -> DirectoryStores.open("zookeeper://127.0.0.1:2181", 0, BackboneSettings.DEFAULTS))
                .hasMessageContaining("no directory store for 'zookeeper://'").hasMessageContaining("known: etcd");
    }

    @Test
    void urlsWithSeveralEndpointsAndOptionsAreRead() throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "s3cret\n");
        EtcdLocation location = EtcdLocation.parse("etcd://10.0.0.1:2379,10.0.0.2:2380/?user=pilot&password-file=" + password
                + "&timeout-ms=1500", Map.of());
        assertThat(location.endpoints()).containsExactly("http://10.0.0.1:2379", "http://10.0.0.2:2380");
        assertThat(location.user()).isEqualTo("pilot");
        assertThat(location.password()).isEqualTo("s3cret");
        assertThat(location.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(EtcdLocation.parse("etcd://10.0.0.1:2379?user=pilot", Map.of(EtcdLocation.PASSWORD_VARIABLE, "p")).password())
                .isEqualTo("p");
    }

    @Test
    void anUnreachableEtcdFailsTheStartNamingIt() throws Exception {
        int port = EtcdProcess.freePort();
        assertThatThrownBy(() -> DirectoryStores.open("etcd://127.0.0.1:" + port + "?timeout-ms=1500", 0, BackboneSettings.DEFAULTS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot use etcd at http://127.0.0.1:" + port);
    }

    @Test
    void wrongCredentialsFailTheStartSayingSo() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.start(dir)) {
            etcdctl(etcd, "user", "add", "root:rootpw");
            etcdctl(etcd, "auth", "enable");
            Path wrong = Files.writeString(dir.resolve("wrong"), "not-the-password");
            assertThatThrownBy(() -> DirectoryStores.open("etcd://" + etcd.endpoint() + "?user=root&password-file=" + wrong,
                    0, BackboneSettings.DEFAULTS))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot use etcd at http://" + etcd.endpoint())
                    .hasMessageContaining("authentication failed");
            Path right = Files.writeString(dir.resolve("right"), "rootpw");
            DirectoryStores.open("etcd://" + etcd.endpoint() + "?user=root&password-file=" + right, 0, BackboneSettings.DEFAULTS)
                    .close();
        }
    }

    @Test
    void aCorruptValueIsSkippedAndLoggedNeverOverwrittenAndTheReplicaKeepsGoing() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.start(dir);
             Client client = Client.builder().endpoints("http://" + etcd.endpoint()).build();
             Realm realm = new Realm("etcd://" + etcd.endpoint())) {
            ByteSequence corruptBinding = ByteSequence.from("/pilot/realm/0/hostnames/broken", StandardCharsets.UTF_8);
            ByteSequence corruptRecord = ByteSequence.from("/pilot/realm/0/records/0:0000.0000.0001", StandardCharsets.UTF_8);
            ByteSequence garbage = ByteSequence.from(new byte[] {1, 2, 3});
            client.getKVClient().put(corruptRecord, garbage).get(10, TimeUnit.SECONDS);
            PrintStream stderr = System.err;
            ByteArrayOutputStream logged = new ByteArrayOutputStream();
            Backbone one;
            System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
            try {
                one = realm.backbone();
                client.getKVClient().put(corruptBinding, garbage).get(10, TimeUnit.SECONDS);
                DirectoryClient alice = realm.agent(one, "alice", b -> b);
                await().atMost(10, TimeUnit.SECONDS).until(() -> logged.toString(StandardCharsets.UTF_8)
                        .contains("/pilot/realm/0/hostnames/broken"));
                assertThat(alice.lookup("alice").join().address()).isEqualTo(alice.node().address());
                DirectoryClient claimant = realm.client(one, "broken", b -> b);
                assertThatThrownBy(() -> claimant.start().join()).cause().isInstanceOfSatisfying(DirectoryException.class, e -> {
                    assertThat(e.error()).isEqualTo(DirectoryError.STORE_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("'/pilot/realm/0/hostnames/broken' is not valid");
                });
            } finally {
                System.setErr(stderr);
            }
            assertThat(logged.toString(StandardCharsets.UTF_8)).contains("etcd key '/pilot/realm/0/records/0:0000.0000.0001'")
                    .contains("skipped and left as it is");
            assertThat(one.registrations()).isEqualTo(1);
            assertThat(client.getKVClient().get(corruptBinding).get(10, TimeUnit.SECONDS).getKvs().get(0).getValue())
                    .isEqualTo(garbage);
            assertThat(client.getKVClient().get(corruptRecord).get(10, TimeUnit.SECONDS).getKvs().get(0).getValue())
                    .isEqualTo(garbage);
        }
    }

    /** Runs etcdctl against {@code etcd}, as root once auth is on (it is turned on last). */
    private static void etcdctl(EtcdProcess etcd, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints=http://" + etcd.endpoint()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("ETCDCTL_API", "3");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
    }
}

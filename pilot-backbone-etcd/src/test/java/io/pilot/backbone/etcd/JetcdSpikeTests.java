package io.pilot.backbone.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** jetcd inside this build (Netty 4.2 managed by the parent): put, get, txn, watch and lease against a real etcd. */
class JetcdSpikeTests {

    @TempDir
    Path dir;

    @Test
    void putGetTxnWatchAndLeaseWork() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.start(dir);
             Client client = Client.builder().endpoints("http://" + etcd.endpoint()).build()) {
            ByteSequence key = bytes("/spike/a");
            List<String> seen = new CopyOnWriteArrayList<>();
            client.getWatchClient().watch(bytes("/spike/"), WatchOption.builder().isPrefix(true).build(),
                    response -> response.getEvents().forEach(e -> seen.add(e.getEventType() + " "
                            + e.getKeyValue().getKey().toString(StandardCharsets.UTF_8))));
            long lease = client.getLeaseClient().grant(5).get(10, TimeUnit.SECONDS).getID();
            client.getKVClient().put(key, bytes("1"), PutOption.builder().withLeaseId(lease).build()).get(10, TimeUnit.SECONDS);
            assertThat(client.getKVClient().get(key).get(10, TimeUnit.SECONDS).getKvs().get(0).getLease()).isEqualTo(lease);
            boolean first = client.getKVClient().txn().If(new Cmp(bytes("/spike/b"), Cmp.Op.EQUAL, CmpTarget.modRevision(0)))
                    .Then(Op.put(bytes("/spike/b"), bytes("x"), PutOption.DEFAULT)).commit().get(10, TimeUnit.SECONDS).isSucceeded();
            boolean second = client.getKVClient().txn().If(new Cmp(bytes("/spike/b"), Cmp.Op.EQUAL, CmpTarget.modRevision(0)))
                    .Then(Op.put(bytes("/spike/b"), bytes("y"), PutOption.DEFAULT)).commit().get(10, TimeUnit.SECONDS).isSucceeded();
            assertThat(first).isTrue();
            assertThat(second).isFalse();
            client.getLeaseClient().revoke(lease).get(10, TimeUnit.SECONDS);
            await().atMost(10, TimeUnit.SECONDS).until(() -> seen.size() >= 3);
            assertThat(seen).containsExactly(WatchEvent.EventType.PUT + " /spike/a", WatchEvent.EventType.PUT + " /spike/b",
                    WatchEvent.EventType.DELETE + " /spike/a");
        }
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}

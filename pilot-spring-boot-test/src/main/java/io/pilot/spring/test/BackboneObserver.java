package io.pilot.spring.test;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What the shared backbone's directory holds, as an agent of its realm sees it: a node of its own, registered as
 * {@value #HOSTNAME}, watching every record, so the test kit reads the directory through the same protocol and
 * pushes as the applications under test do (the backbone has no in-process view of its records to offer).
 */
final class BackboneObserver implements AutoCloseable {

    static final String HOSTNAME = "pilot-test-observer";

    private final PilotNode node;
    private final DirectoryClient directory;
    private final Map<PilotAddress, NodeRecord> records = new ConcurrentHashMap<>();
    private DirectoryClient.WatchHandle watch;

    private BackboneObserver(PilotNode node, DirectoryClient directory) {
        this.node = node;
        this.directory = directory;
    }

    static BackboneObserver watching(InetSocketAddress backbone, NodeKey backboneKey) {
        PilotNode node = PilotNode.builder().identity(Identity.generate(new SecureRandom()))
                .bindAddress("127.0.0.1", 0).build().start();
        DirectoryClient directory = DirectoryClient.builder(node).backbone(backbone, backboneKey)
                .hostname(HOSTNAME).requestTimeout(Duration.ofSeconds(5)).build();
        BackboneObserver observer = new BackboneObserver(node, directory);
        try {
            directory.start().get(10, TimeUnit.SECONDS);
            observer.watch = directory.watch(Query.ALL, "", observer.listener()).get(10, TimeUnit.SECONDS);
            return observer;
        } catch (Exception e) {
            observer.close();
            throw new IllegalStateException("cannot watch the test backbone's directory", e);
        }
    }

    private DirectoryClient.WatchListener listener() {
        return new DirectoryClient.WatchListener() {
            @Override
            public void joined(NodeRecord record) {
                records.put(record.address(), record);
            }

            @Override
            public void updated(NodeRecord record) {
                records.put(record.address(), record);
            }

            @Override
            public void left(NodeRecord record) {
                records.remove(record.address());
            }
        };
    }

    /** Every record but the observer's own, as last pushed. */
    List<NodeRecord> records() {
        PilotAddress self = node.address();
        return records.values().stream().filter(r -> !r.address().equals(self)).toList();
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
        directory.close();
        node.close();
    }
}

package io.pilot.backbone.etcd;

import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.NodeRecord;

import java.util.List;

/** A watch listener that writes what it hears as {@code "join bob [blue]"}, {@code "update …"}, {@code "leave …"}. */
final class ChangeRecorder implements DirectoryClient.WatchListener {

    private final List<String> events;

    private ChangeRecorder(List<String> events) {
        this.events = events;
    }

    /** Records into {@code events}, which must be safe for a writer thread and a reading test thread. */
    static ChangeRecorder into(List<String> events) {
        return new ChangeRecorder(events);
    }

    @Override
    public void joined(NodeRecord record) {
        record("join", record);
    }

    @Override
    public void updated(NodeRecord record) {
        record("update", record);
    }

    @Override
    public void left(NodeRecord record) {
        record("leave", record);
    }

    private void record(String change, NodeRecord record) {
        events.add(change + " " + record.hostname() + " " + record.groups());
    }
}

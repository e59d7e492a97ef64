package io.pilot.engine.directory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Writes down what a watch tells its listener, as "joined fx#1", "left papers#2"... (hostname#sequence). */
final class RecordingListener implements DirectoryClient.WatchListener {

    final List<String> heard = new CopyOnWriteArrayList<>();

    @Override
    public void joined(NodeRecord record) {
        heard.add("joined " + record.hostname() + "#" + record.sequence());
    }

    @Override
    public void updated(NodeRecord record) {
        heard.add("updated " + record.hostname() + "#" + record.sequence());
    }

    @Override
    public void left(NodeRecord record) {
        heard.add("left " + record.hostname() + "#" + record.sequence());
    }
}

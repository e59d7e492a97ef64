package io.pilot.engine.directory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Writes down what a watch tells its listener, as "joined fx#1", "left papers#2"... (hostname#sequence). */
public final class RecordingListener implements DirectoryClient.WatchListener {

    final List<String> heard = new CopyOnWriteArrayList<>();

    /** What it heard, in order. */
    public List<String> heard() {
        return heard;
    }

    /** How many times it heard {@code what} ("joined", "updated" or "left") of the node called {@code hostname}. */
    public long count(String what, String hostname) {
        return heard.stream().filter(event -> event.startsWith(what + " " + hostname + "#")).count();
    }

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

package io.pilot.samples.coordinator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** One Server-Sent Event as a test reads it off the wire: its {@code event:}, {@code id:} and {@code data:} lines. */
record ServerSentEvent(String name, String id, String data) {

    /** Up to {@code max} events from {@code lines}, until they end. */
    static List<ServerSentEvent> read(Iterator<String> lines, int max) {
        List<ServerSentEvent> events = new ArrayList<>();
        String name = null;
        String id = null;
        StringBuilder data = new StringBuilder();
        while (events.size() < max && lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
                if (name != null || !data.isEmpty()) {
                    events.add(new ServerSentEvent(name, id, data.toString()));
                }
                name = null;
                id = null;
                data.setLength(0);
            } else if (line.startsWith("event:")) {
                name = line.substring(6).strip();
            } else if (line.startsWith("id:")) {
                id = line.substring(3).strip();
            } else if (line.startsWith("data:")) {
                data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).strip());
            }
        }
        return events;
    }
}

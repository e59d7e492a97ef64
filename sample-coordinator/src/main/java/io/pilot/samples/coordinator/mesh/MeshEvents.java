package io.pilot.samples.coordinator.mesh;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.spring.observation.PilotBroadcastContext;
import io.pilot.spring.observation.PilotClientRequestContext;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/**
 * Keeps the last calls and broadcasts this coordinator made, from the starter's own observations (the ones its
 * metrics and traces come from), so the page pulses only along edges something really passed. Only this node's
 * calls: a specialist's calls happen in another process and are not seen here.
 */
public class MeshEvents implements ObservationHandler<Observation.Context> {

    /** How many events are kept: a page polling every second never falls this far behind. */
    static final int KEPT = 500;

    private final Supplier<String> self;
    private final Clock clock;
    private final Deque<MeshEvent> events = new ArrayDeque<>();
    private long seq;

    /** @param self this node's address, asked when an event is recorded (the node starts after this bean) */
    public MeshEvents(Supplier<String> self, Clock clock) {
        this.self = self;
        this.clock = clock;
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof PilotClientRequestContext || context instanceof PilotBroadcastContext;
    }

    @Override
    public void onStop(Observation.Context context) {
        if (context instanceof PilotClientRequestContext call) {
            if (call.getPeerAddress() != null) {
                add("call", call.getCapability(), List.of(call.getPeerAddress().toString()), call.getPath().value(),
                        call.getErrorCode() == null);
            }
        } else if (context instanceof PilotBroadcastContext broadcast && broadcast.getResult() != null) {
            List<String> delivered = broadcast.getResult().delivered().stream()
                    .map(NodeRecord::address).map(Object::toString).toList();
            add("broadcast", broadcast.getGroup(), delivered, null, broadcast.getResult().complete());
        }
    }

    /** The events after {@code after}, oldest first. */
    public synchronized List<MeshEvent> since(long after) {
        return events.stream().filter(event -> event.seq() > after).toList();
    }

    /** The number of the latest event (0 before any). */
    public synchronized long latest() {
        return seq;
    }

    private synchronized void add(String kind, String name, List<String> to, String path, boolean ok) {
        events.addLast(new MeshEvent(++seq, clock.millis(), kind, name, self.get(), to, path, ok));
        while (events.size() > KEPT) {
            events.removeFirst();
        }
    }
}

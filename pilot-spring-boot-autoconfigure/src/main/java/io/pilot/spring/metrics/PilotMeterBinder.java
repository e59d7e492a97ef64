package io.pilot.spring.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.wire.DropReason;
import io.pilot.spring.runtime.PilotRuntime;

import java.util.function.ToDoubleFunction;

/**
 * The counters of the application's Pilot node as meters. Every tag takes its values from a fixed set:
 * <ul>
 * <li>{@code pilot.sessions} (gauge): peers with an established session;</li>
 * <li>{@code pilot.peers} (gauge): peers known;</li>
 * <li>{@code pilot.handshakes.pending} (gauge): half-open responder handshakes held now;</li>
 * <li>{@code pilot.handshakes} (counter): handshakes completed in either role, rekeys included;</li>
 * <li>{@code pilot.drops} (counter), tag {@code reason} (a {@link DropReason} name): datagrams dropped;</li>
 * <li>{@code pilot.peer.bytes} (gauge, bytes), tag {@code direction} ({@code in}, {@code out}): datagram bytes
 * exchanged with the peers known now. A gauge, not a counter: it falls when a peer is forgotten;</li>
 * <li>{@code pilot.relayed.bytes} (counter, bytes): bytes relayed for others by the node and, if the application
 * runs one, by its embedded backbone;</li>
 * <li>{@code pilot.broadcasts.dropped} (counter), tag {@code reason} ({@code not-member}): broadcasts whose sender
 * is not a member of the group their {@code group} header names, dropped before any listener ran.</li>
 * </ul>
 * Each reading asks the node's event loop; before the node starts and after it stops, gauges read NaN and
 * counters 0.
 */
public class PilotMeterBinder implements MeterBinder {

    private final PilotRuntime runtime;

    public PilotMeterBinder(PilotRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("pilot.sessions", runtime, gauge(node -> node.stats().sessions()))
                .description("Peers with an established session").register(registry);
        Gauge.builder("pilot.peers", runtime, gauge(node -> node.stats().peers()))
                .description("Peers known").register(registry);
        Gauge.builder("pilot.handshakes.pending", runtime, gauge(node -> node.stats().pendingHandshakes()))
                .description("Half-open responder handshakes held now").register(registry);
        FunctionCounter.builder("pilot.handshakes", runtime, counter(node -> node.stats().handshakesCompleted()))
                .description("Handshakes completed in either role, rekeys included").register(registry);
        for (DropReason reason : DropReason.values()) {
            FunctionCounter.builder("pilot.drops", runtime, counter(node -> node.stats().dropped(reason)))
                    .tag("reason", reason.name()).description("Datagrams dropped").register(registry);
        }
        Gauge.builder("pilot.peer.bytes", runtime, gauge(node -> node.peers().stream().mapToLong(PeerInfo::bytesIn).sum()))
                .tag("direction", "in").baseUnit(BaseUnits.BYTES)
                .description("Datagram bytes received from the peers known now").register(registry);
        Gauge.builder("pilot.peer.bytes", runtime, gauge(node -> node.peers().stream().mapToLong(PeerInfo::bytesOut).sum()))
                .tag("direction", "out").baseUnit(BaseUnits.BYTES)
                .description("Datagram bytes sent to the peers known now").register(registry);
        FunctionCounter.builder("pilot.relayed.bytes", runtime, counter(this::relayedBytes)).baseUnit(BaseUnits.BYTES)
                .description("Bytes relayed for others, by the node and its embedded backbone").register(registry);
        FunctionCounter.builder("pilot.broadcasts.dropped", runtime, PilotRuntime::broadcastsFromNonMembers)
                .tag("reason", "not-member").description("Broadcasts from senders that are not members of the group they name")
                .register(registry);
    }

    private double relayedBytes(PilotNode node) {
        return node.relayedBytes() + runtime.embeddedBackbone().map(backbone -> backbone.node().relayedBytes()).orElse(0L);
    }

    private static ToDoubleFunction<PilotRuntime> gauge(ToDoubleFunction<PilotNode> reading) {
        return read(reading, Double.NaN);
    }

    private static ToDoubleFunction<PilotRuntime> counter(ToDoubleFunction<PilotNode> reading) {
        return read(reading, 0);
    }

    private static ToDoubleFunction<PilotRuntime> read(ToDoubleFunction<PilotNode> reading, double otherwise) {
        return runtime -> {
            if (!runtime.isRunning()) {
                return otherwise;
            }
            try {
                return reading.applyAsDouble(runtime.node());
            } catch (IllegalStateException e) {
                return otherwise; // stopped meanwhile
            }
        };
    }
}

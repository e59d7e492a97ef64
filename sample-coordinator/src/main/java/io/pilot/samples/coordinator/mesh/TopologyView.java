package io.pilot.samples.coordinator.mesh;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.directory.CapabilityInfo;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.spring.PilotClient;
import io.pilot.spring.runtime.PilotRuntime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the page's graph from what this process knows, asking no one: the agents are the group's members as the
 * directory lists them; the tunnels are those of this coordinator's node and, when it hosts the backbone, of the
 * backbone's node. In the research fleet every tunnel has one of those two at an end (specialists call no one and
 * register with the backbone), so the graph is the whole fleet; a tunnel between two other agents would not be seen
 * here and is not drawn.
 */
public class TopologyView {

    private final PilotRuntime runtime;
    private final PilotClient pilot;
    private final String group;

    public TopologyView(PilotRuntime runtime, PilotClient pilot, String group) {
        this.runtime = runtime;
        this.pilot = pilot;
        this.group = group;
    }

    public Topology topology() {
        String self = runtime.node().address().toString();
        Map<String, Topology.Node> nodes = new LinkedHashMap<>();
        pilot.members(group).stream().sorted(Comparator.comparing(NodeRecord::hostname)).forEach(record ->
                nodes.put(record.address().toString(), new Topology.Node(record.address().toString(), record.hostname(),
                        record.address().toString().equals(self) ? "coordinator" : "agent",
                        record.capabilities().stream().map(CapabilityInfo::name).sorted().toList(),
                        record.groups().stream().sorted().toList())));
        List<PilotNode> seers = new ArrayList<>(List.of(runtime.node()));
        runtime.embeddedBackbone().ifPresent(backbone -> {
            String address = backbone.node().address().toString();
            nodes.put(address, new Topology.Node(address, "backbone", "backbone", List.of(), List.of()));
            seers.add(backbone.node());
        });
        List<Topology.Edge> edges = new ArrayList<>();
        Set<Set<String>> drawn = new HashSet<>();
        for (PilotNode seer : seers) {
            String source = seer.address().toString();
            for (PeerInfo peer : seer.peers()) {
                String target = peer.address().toString();
                // One edge per pair (the coordinator and the backbone each see their tunnel to the other), and only
                // between agents shown: a tunnel to an agent that has left lingers until it times out.
                if (peer.established() && nodes.containsKey(target) && drawn.add(Set.of(source, target))) {
                    edges.add(edge(source, peer));
                }
            }
        }
        return new Topology(self, List.copyOf(nodes.values()), edges);
    }

    static Topology.Edge edge(String source, PeerInfo peer) {
        String path = (peer.relayed() ? "relayed" : "direct") + (peer.overTcp() ? " over TCP" : "");
        Long rtt = peer.smoothedRtt() == null ? null : peer.smoothedRtt().toNanos() / 1_000;
        return new Topology.Edge(source, peer.address().toString(), path, rtt, peer.bytesIn(), peer.bytesOut());
    }
}

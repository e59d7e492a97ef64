package io.pilot.samples.coordinator.mesh;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/mesh?since=N}: the graph (agents and tunnels) with the calls and broadcasts after event N;
 * {@code GET /api/charts?since=T}: the chart samples taken after T (epoch ms), up to the last ten minutes. The page
 * polls both every second and asks only for what is new.
 */
@RestController
public class MeshController {

    private final TopologyView topology;
    private final MeshEvents events;
    private final ChartSampler charts;

    public MeshController(TopologyView topology, MeshEvents events, ChartSampler charts) {
        this.topology = topology;
        this.events = events;
        this.charts = charts;
    }

    @GetMapping("/api/mesh")
    public Mesh mesh(@RequestParam(defaultValue = "0") long since) {
        List<MeshEvent> after = events.since(since);
        // Numbered from what was sent, so an event recorded meanwhile comes next time, once; a page that asks past the
        // latest (this coordinator restarted) starts again from it.
        long latest = after.isEmpty() ? Math.min(since, events.latest()) : after.get(after.size() - 1).seq();
        return new Mesh(topology.topology(), after, latest);
    }

    @GetMapping("/api/charts")
    public List<ChartSample> charts(@RequestParam(defaultValue = "0") long since) {
        return charts.since(since);
    }

    /**
     * @param topology the agents and tunnels now
     * @param events the calls and broadcasts after the one asked for
     * @param latest the number to ask after next time
     */
    public record Mesh(Topology topology, List<MeshEvent> events, long latest) {
    }
}

package io.pilot.samples.specialists.demo;

import io.pilot.engine.net.Impairment;
import io.pilot.spring.runtime.PilotRuntime;

import java.util.Map;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/linkloss}, for demos only: reads and sets the share of this agent's datagrams its link loses,
 * in both directions, on the running node ({@code POST {"percent": 20}}; 0 restores a perfect link). Off unless
 * {@code demo.controls=true} (bin/demo sets it, with the endpoint exposed): a real agent has no business dropping
 * its own traffic on request.
 */
@Endpoint(id = "linkloss")
public class LinkLossEndpoint {

    private final PilotRuntime runtime;
    private volatile double percent;

    public LinkLossEndpoint(PilotRuntime runtime) {
        this.runtime = runtime;
    }

    @ReadOperation
    public Map<String, Object> loss() {
        return Map.of("percent", percent);
    }

    /** @throws InvalidEndpointRequestException (400) for a share outside 0 to 100 %, and nothing changes */
    @WriteOperation
    public Map<String, Object> setLoss(double percent) {
        if (!(percent >= 0 && percent < 100)) {
            String reason = "loss must be a percentage from 0 up to (not including) 100, was " + percent;
            throw new InvalidEndpointRequestException(reason, reason);
        }
        runtime.node().impair(percent == 0 ? Impairment.NONE : Impairment.loss(percent / 100, System.nanoTime()));
        this.percent = percent;
        return loss();
    }
}

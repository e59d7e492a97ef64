package io.pilot.benchmarks.boot;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;

import org.springframework.context.annotation.Profile;

/** The echo as a Pilot capability: what {@code pilotClient.call("bench.echo", ...)} reaches. */
@Profile("provider")
@PilotAgent
public class EchoAgent {

    private final Echo echo;

    public EchoAgent(Echo echo) {
        this.echo = echo;
    }

    @Capability(value = Echo.NAME, description = "answers who it is and the length of the text it was sent")
    public EchoReply echo(EchoRequest request) {
        return echo.answer(request);
    }
}

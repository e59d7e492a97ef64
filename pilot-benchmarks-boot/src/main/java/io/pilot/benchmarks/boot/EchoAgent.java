package io.pilot.benchmarks.boot;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;

import org.springframework.context.annotation.Profile;

/**
 * The echo as a Pilot capability: what {@code pilotClient.call("bench.echo", ...)} reaches, on the handler executor
 * as a capability runs by default, and on the event loop ({@link Echo#ON_LOOP}).
 */
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

    /** The same echo answered on the provider's event loop: it never blocks, so it needs no handler thread. */
    @Capability(value = Echo.ON_LOOP, eventLoop = true, description = "the echo, answered on the event loop")
    public EchoReply echoOnLoop(EchoRequest request) {
        return echo.answer(request);
    }
}

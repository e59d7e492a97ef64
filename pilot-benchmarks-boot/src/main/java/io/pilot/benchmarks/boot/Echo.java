package io.pilot.benchmarks.boot;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/** The provider's one piece of work, shared by its three front doors so that they differ only in transport. */
@Profile("provider")
@Component
public class Echo {

    /** The Pilot capability, and the NATS subject, of the echo. */
    public static final String NAME = "bench.echo";
    /** The same echo as a capability that runs on the provider's event loop ({@code @Capability(eventLoop = true)}). */
    public static final String ON_LOOP = "bench.echo-on-loop";

    private final String hostname;

    public Echo(@Value("${pilot.hostname}") String hostname) {
        this.hostname = hostname;
    }

    public EchoReply answer(EchoRequest request) {
        if (request == null || request.text() == null) {
            throw new IllegalArgumentException("an echo request needs a text");
        }
        return new EchoReply(hostname, request.text().length());
    }
}

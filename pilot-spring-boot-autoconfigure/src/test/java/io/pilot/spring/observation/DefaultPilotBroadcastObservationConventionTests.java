package io.pilot.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.common.KeyValue;
import io.pilot.engine.directory.Endpoint;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.group.BroadcastResult;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.PilotException;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/** The outcomes of a broadcast as the default convention reports them. */
class DefaultPilotBroadcastObservationConventionTests {

    private final DefaultPilotBroadcastObservationConvention convention = DefaultPilotBroadcastObservationConvention.INSTANCE;

    @Test
    void aBroadcastThatMissedSomeMembersIsPartial() {
        PilotBroadcastContext context = new PilotBroadcastContext("RESEARCH");
        NodeRecord reached = member("reached");
        NodeRecord missed = member("missed");
        context.setResult(new BroadcastResult("RESEARCH", List.of(reached),
                List.of(new BroadcastResult.Failure(missed, new PilotException(ErrorCode.UNREACHABLE, "gone")))));
        assertThat(convention.getLowCardinalityKeyValues(context)).contains(KeyValue.of("pilot.outcome", "PARTIAL"),
                KeyValue.of("error.type", "none"), KeyValue.of("pilot.group", "RESEARCH"));
        assertThat(convention.getHighCardinalityKeyValues(context)).contains(KeyValue.of("pilot.broadcast.delivered", "1"),
                KeyValue.of("pilot.broadcast.unreached", "1"));
    }

    @Test
    void aBroadcastThatFailedAsAWholeNamesItsCode() {
        PilotBroadcastContext context = new PilotBroadcastContext("RESEARCH");
        context.setErrorCode(ErrorCode.UNREACHABLE);
        assertThat(convention.getLowCardinalityKeyValues(context)).contains(KeyValue.of("pilot.outcome", "UNREACHABLE"),
                KeyValue.of("error.type", "UNREACHABLE"), KeyValue.of("messaging.operation.type", "publish"));
        assertThat(convention.getHighCardinalityKeyValues(context)).isEmpty();
    }

    private static NodeRecord member(String hostname) {
        return new NodeRecord(0, Identity.generate(new SecureRandom()).publicKey(), hostname, List.of(), new TreeSet<>(),
                List.of(new Endpoint(Endpoint.Kind.LOCAL, new InetSocketAddress("127.0.0.1", 7400))), 1, Long.MAX_VALUE);
    }
}

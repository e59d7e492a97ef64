package io.pilot.spring.client;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.group.Candidate;
import io.pilot.engine.group.SelectionPolicy;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.PilotException;
import io.pilot.spring.runtime.PilotRuntime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Chooses the provider a streamed call to any provider (or any in a group) goes to: the providers the directory
 * client keeps watched (no backbone in the call's path after the first call), never this agent, ranked by the
 * anycast's own default policy (lowest RTT, then round robin). Unlike a call's anycast there is no failover: a stream
 * fails with its first provider's error, since items may already have been taken from it.
 */
final class StreamProviders {

    private final PilotRuntime runtime;
    private final SelectionPolicy policy = SelectionPolicy.lowestRtt();

    StreamProviders(PilotRuntime runtime) {
        this.runtime = runtime;
    }

    /** The provider of {@code capability} to ask, among the members of {@code group} unless it is null. */
    CompletableFuture<NodeRecord> choose(String capability, String group) {
        return runtime.directory().providers(capability).thenApply(records -> {
            PilotAddress self = runtime.node().address();
            List<Candidate> candidates = new ArrayList<>();
            for (NodeRecord record : records) {
                if (!record.address().equals(self) && (group == null || record.groups().contains(group))) {
                    candidates.add(new Candidate(record, runtime.node().peer(record.address())
                            .filter(PeerInfo::established).map(PeerInfo::smoothedRtt).orElse(null), 0));
                }
            }
            List<Candidate> ordered = candidates.isEmpty() ? List.of() : policy.order(candidates);
            if (ordered.isEmpty()) {
                throw new PilotException(ErrorCode.UNREACHABLE, "no live node" + (group == null ? "" : " of group " + group)
                        + " offers " + capability);
            }
            return ordered.get(0).member();
        });
    }
}

package io.pilot.samples.coordinator;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.spring.PilotClient;
import io.pilot.spring.runtime.PilotRuntime;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Who streams a capability's reply to the coordinator, and over which path, for the page. A streamed call goes to one
 * provider chosen by the client (like an anycast) and does not say which; so this names the providers the directory
 * lists, and the path of the coordinator's tunnel to the one that streams when there is just one (the fleet's case);
 * with several it lists them all and says the stream came from one of them.
 */
@Component
class SeriesSource {

    /**
     * The providers of a streamed capability as the page shows them.
     *
     * @param capability the capability streamed
     * @param agent the provider's hostname when there is one provider, else null
     * @param address its Pilot address, else null
     * @param path {@code direct} or {@code relayed} when the coordinator has a tunnel to it, else {@code unknown}
     * @param providers every provider's hostname, sorted
     */
    record Described(String capability, @Nullable String agent, @Nullable String address, String path, List<String> providers) {
    }

    private final PilotClient pilot;
    private final PilotRuntime runtime;

    SeriesSource(PilotClient pilot, PilotRuntime runtime) {
        this.pilot = pilot;
        this.runtime = runtime;
    }

    Described describe(String capability) {
        List<NodeRecord> providers = pilot.find(capability);
        List<String> hostnames = providers.stream().map(NodeRecord::hostname).sorted().toList();
        if (providers.size() != 1) {
            return new Described(capability, null, null, "unknown", hostnames);
        }
        NodeRecord only = providers.get(0);
        String path = runtime.node().peer(only.address()).filter(PeerInfo::established)
                .map(peer -> peer.relayed() ? "relayed" : "direct").orElse("unknown");
        return new Described(capability, only.hostname(), only.address().toString(), path, hostnames);
    }
}

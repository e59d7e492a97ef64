package io.pilot.engine.backbone;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.directory.DirectoryProtocol;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a running backbone gives its {@link BackboneStatus}: its registry, its request counters and its node. */
final class BackboneStatusSource implements BackboneStatus.Source {

    private final PilotNode node;
    private final BackboneDirectory directory;

    BackboneStatusSource(PilotNode node, BackboneDirectory directory) {
        this.node = node;
        this.directory = directory;
    }

    @Override
    public long revision() {
        return directory.revision();
    }

    @Override
    public Optional<List<ChangeHistory.Change<HeldRecord>>> changesSince(long revision) {
        return directory.registry().changesSince(revision);
    }

    @Override
    public Map<String, Integer> groupMembers() {
        return directory.registry().groupMembers();
    }

    @Override
    public int registrations() {
        return directory.registrations();
    }

    @Override
    public BackboneStatus.Counters counters() {
        return new BackboneStatus.Counters(directory.requests(DirectoryProtocol.OP_REGISTER),
                directory.requests(DirectoryProtocol.OP_LOOKUP), node.relayedBytes());
    }

    @Override
    public List<PeerInfo> peers() {
        return node.peers();
    }
}

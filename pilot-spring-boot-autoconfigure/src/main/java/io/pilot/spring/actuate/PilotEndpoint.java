package io.pilot.spring.actuate;

import io.pilot.engine.NodeStats;
import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.CapabilityInfo;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.spring.runtime.PilotRuntime;

import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code pilot} endpoint: this application's Pilot node (address, hostname, UDP endpoint, published
 * capabilities and groups), where it stands with the backbone, its peers and the datagrams it dropped.
 * Reads local state only: it never calls the backbone or a peer. Answers 404 while the node is not running.
 */
@Endpoint(id = "pilot")
public class PilotEndpoint {

    private final PilotRuntime runtime;

    public PilotEndpoint(PilotRuntime runtime) {
        this.runtime = runtime;
    }

    /** The node's description, or null (404) while it is not running. */
    @ReadOperation
    public PilotDescriptor pilot() {
        if (!runtime.isRunning()) {
            return null;
        }
        PilotNode node = runtime.node();
        DirectoryClient directory = runtime.directory();
        Optional<NodeRecord> record = directory.record();
        Optional<PilotAddress> backboneAddress = directory.backbone();
        List<PeerInfo> peers = node.peers();
        NodeStats stats = node.stats();
        String backboneEndpoint = backboneAddress.flatMap(address -> peers.stream()
                .filter(peer -> peer.address().equals(address)).findFirst())
                .map(peer -> text(peer.endpoint())).orElse(null);
        BackboneDescriptor backbone = new BackboneDescriptor(backboneAddress.map(PilotAddress::toString).orElse(null),
                backboneEndpoint, directory.backboneKey().map(Object::toString).orElse(null), directory.status().name(), directory.lastError().isEmpty() ? null : directory.lastError(),
                runtime.embeddedBackbone().isPresent());
        Map<String, Long> drops = new TreeMap<>();
        stats.drops().forEach((reason, count) -> drops.put(reason.name(), count));
        return new PilotDescriptor(node.address().toString(), record.map(NodeRecord::hostname).orElse(null),
                node.address().realm(), text(node.localEndpoint()),
                record.map(r -> r.endpoints().stream().map(Object::toString).toList()).orElse(List.of()),
                record.map(r -> r.capabilities().stream().sorted(Comparator.comparing(CapabilityInfo::name))
                        .map(c -> new CapabilityDescriptor(c.name(), shown(c.metadata()))).toList())
                        .orElse(List.of()),
                record.map(r -> List.copyOf(r.groups())).orElse(List.of()), backbone, stats.sessions(),
                peers.stream().sorted(Comparator.comparing(PeerInfo::address))
                        .map(peer -> peer(peer, backboneAddress)).toList(),
                drops);
    }

    /** The metadata without the schema document or its digest: JSON in a string helps no one here ({@code pilotctl describe} shows it). */
    private static Map<String, String> shown(Map<String, String> metadata) {
        Map<String, String> shown = new TreeMap<>(metadata);
        shown.remove(CapabilityInfo.SCHEMA);
        shown.remove(CapabilityInfo.SCHEMA_SHA256);
        return shown;
    }

    private static PeerDescriptor peer(PeerInfo peer, Optional<PilotAddress> backbone) {
        Long rttNanos = peer.smoothedRtt() == null ? null : peer.smoothedRtt().toNanos();
        return new PeerDescriptor(peer.address().toString(), text(peer.endpoint()), peer.established(),
                (peer.relayed() ? "relayed" : "direct") + (peer.overTcp() ? " over TCP" : ""), peer.pathReason(),
                rttNanos == null ? null : rttNanos / 1_000, rttNanos == null ? null : rttNanos / 1_000_000.0,
                peer.bytesIn(), peer.bytesOut(), backbone.filter(peer.address()::equals).isPresent());
    }

    private static String text(InetSocketAddress address) {
        return HostPort.format(address);
    }

    /**
     * This node.
     *
     * @param address its Pilot address, {@code N:XXXX.XXXX.XXXX}
     * @param hostname its hostname in the realm (null until registered)
     * @param realm its realm
     * @param udpEndpoint the UDP endpoint its socket is bound to
     * @param endpoints the endpoints it publishes, as {@code kind ip:port}
     * @param capabilities the capabilities it publishes, by name
     * @param groups the groups it joined
     * @param backbone where it stands with the backbone
     * @param sessions peers with an established session
     * @param peers what it knows of each peer, by address
     * @param drops datagrams dropped since start, by reason (only non-zero reasons)
     */
    public record PilotDescriptor(String address, String hostname, int realm, String udpEndpoint, List<String> endpoints,
            List<CapabilityDescriptor> capabilities, List<String> groups, BackboneDescriptor backbone, int sessions,
            List<PeerDescriptor> peers, Map<String, Long> drops) implements OperationResponseBody {
    }

    /**
     * A published capability.
     *
     * @param name its name
     * @param metadata its metadata (e.g. {@code description})
     */
    public record CapabilityDescriptor(String name, Map<String, String> metadata) {
    }

    /**
     * The backbone as this node sees it.
     *
     * @param address its Pilot address, once connected
     * @param endpoint its UDP endpoint, while a peer
     * @param key its node key (base64url), pinned or learned on first use: what other agents set as
     *     {@code pilot.backbone.key}
     * @param status {@code STARTING}, {@code REGISTERED} or {@code BACKBONE_UNREACHABLE}
     * @param lastError why it is unreachable, or null
     * @param embedded whether this application runs it
     */
    public record BackboneDescriptor(String address, String endpoint, String key, String status, String lastError, boolean embedded) {
    }

    /**
     * A peer.
     *
     * @param address its Pilot address
     * @param endpoint where its datagrams come from and go to
     * @param established whether a secure session is up
     * @param path {@code direct} or {@code relayed} (through the backbone)
     * @param pathReason why the path is direct or relayed
     * @param rttMicros smoothed round-trip time in microseconds, or null before a sample
     * @param rttMillis the same in milliseconds, kept for readers written before {@code rttMicros}
     * @param bytesIn datagram bytes received from it
     * @param bytesOut datagram bytes sent to it
     * @param backbone whether this peer is the backbone
     */
    public record PeerDescriptor(String address, String endpoint, boolean established, String path, String pathReason,
            Long rttMicros, Double rttMillis, long bytesIn, long bytesOut, boolean backbone) {
    }
}

package io.pilot.engine.group;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.ReplyFuture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one one-way message to each live member of a group, straight over a tunnel to that member: the
 * backbone only says who the members are, it relays nothing. A member is sent to once, however many of its
 * records the lookup returned; this node never sends to itself. All copies are handed to the node's event loop as
 * one task and leave its socket together ({@link PilotNode#sendEach}).
 */
final class Broadcaster {

    /** One member's send, finished: {@code error} is null if the message was handed over. */
    private record Outcome(NodeRecord member, Throwable error) {
    }

    private final RecordSource source;

    Broadcaster(RecordSource source) {
        this.source = source;
    }

    CompletableFuture<BroadcastResult> broadcast(String group, int port, Message message) {
        PilotNode node = source.client().node();
        Message addressed = message.with(Headers.GROUP, group); // one port can serve several groups
        return source.members(group).thenCompose(records -> {
            Map<PilotAddress, NodeRecord> members = new LinkedHashMap<>();
            records.stream().filter(r -> !r.address().equals(node.address()))
                    .forEach(r -> members.putIfAbsent(r.address(), r));
            List<NodeRecord> targets = List.copyOf(members.values());
            // One task on the node's loop for all copies, flushed to the socket together (PilotNode.sendEach).
            List<ReplyFuture<Void>> handedOver = node.sendEach(
                    targets.stream().map(NodeRecord::address).toList(), port, addressed);
            List<CompletableFuture<Outcome>> sends = new ArrayList<>(targets.size());
            for (int i = 0; i < targets.size(); i++) {
                NodeRecord member = targets.get(i);
                sends.add(handedOver.get(i).handle((ok, error) -> new Outcome(member, error)));
            }
            return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .thenApply(done -> result(group, sends));
        });
    }

    private static BroadcastResult result(String group, List<CompletableFuture<Outcome>> sends) {
        List<NodeRecord> delivered = new ArrayList<>();
        List<BroadcastResult.Failure> failed = new ArrayList<>();
        for (CompletableFuture<Outcome> send : sends) {
            Outcome outcome = send.join();
            if (outcome.error() == null) {
                delivered.add(outcome.member());
            } else {
                failed.add(new BroadcastResult.Failure(outcome.member(), Errors.unwrap(outcome.error())));
            }
        }
        return new BroadcastResult(group, delivered, failed);
    }
}

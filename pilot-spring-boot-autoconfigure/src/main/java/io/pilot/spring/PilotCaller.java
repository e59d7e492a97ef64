package io.pilot.spring;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.session.EventLoopThreads;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Who called a capability, for a {@code @Capability} method that declares a parameter of this type. The address
 * and key were proven by the session's handshake; the hostname and groups are what the caller's record in the
 * directory says, looked up on first use (from the directory client's cache, else the backbone) and kept for the
 * call. A caller the directory does not know (not registered, or the backbone unreachable) has no hostname and
 * no groups, so a check of membership fails closed.
 */
public final class PilotCaller {

    private final PilotAddress address;
    private final NodeKey key;
    private final Supplier<CompletableFuture<NodeRecord>> lookup;
    /** Guarded by this. */
    private Optional<NodeRecord> record;
    private CompletableFuture<NodeRecord> pending;

    /** @param lookup looks the caller's record up in the directory; asked at most once */
    public PilotCaller(PilotAddress address, NodeKey key, Supplier<CompletableFuture<NodeRecord>> lookup) {
        this.address = address;
        this.key = key;
        this.lookup = lookup;
    }

    /** The caller's address, proven by the handshake. */
    public PilotAddress address() {
        return address;
    }

    /** The caller's public key, proven by the handshake. */
    public NodeKey key() {
        return key;
    }

    /** The caller's hostname, if it has registered one. Looks it up on first use. */
    public Optional<String> hostname() {
        return record().map(NodeRecord::hostname);
    }

    /** The groups the caller is a member of, as the directory says. Looks them up on first use. */
    public Set<String> groups() {
        return record().<Set<String>>map(r -> Set.copyOf(r.groups())).orElse(Set.of());
    }

    public boolean isMemberOf(String group) {
        return groups().contains(group);
    }

    private synchronized Optional<NodeRecord> record() {
        if (record == null) {
            if (pending == null) {
                pending = lookup.get(); // asked once, even if a wait for it is refused below
            }
            // On the event loop the answer could never come in: fail there rather than fail closed after a stall.
            EventLoopThreads.refuseBlockingWait("looking up the caller's directory record", pending);
            try {
                NodeRecord found = pending.join();
                record = Optional.ofNullable(found).filter(r -> key.equals(r.key()));
            } catch (RuntimeException unknown) {
                record = Optional.empty(); // not registered, or not reachable: known by address and key alone
            }
        }
        return record;
    }

    @Override
    public String toString() {
        return "PilotCaller[" + address + "]";
    }
}

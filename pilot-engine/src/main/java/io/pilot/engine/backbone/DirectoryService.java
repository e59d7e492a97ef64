package io.pilot.engine.backbone;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.codec.DecodeException;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.DirectoryProtocol.GroupPolicy;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.Names;
import io.pilot.engine.directory.RecordException;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.limit.RateLimiter;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.function.UnaryOperator;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers directory requests on {@link DirectoryProtocol#PORT} and pushes the events they cause. The
 * requester is the session peer the message came from: its key is proven by the handshake, so a node can
 * only ever register, heartbeat or deregister itself. Every refusal is a typed error reply and is counted.
 */
final class DirectoryService implements MessageHandler {

    private static final Logger log = LoggerFactory.getLogger(DirectoryService.class);

    /** Most records a lookup answered on the event loop returns: a larger reply is written on the handler pool. */
    static final int ON_LOOP_RECORDS = 32;

    /**
     * The largest page of a paged reply, unless the node's message limit is lower. A caller may grant up to
     * {@code StreamCredit.MAX_OUTSTANDING} pages ahead, which wait in the stream until it reads them: 16 MiB a reply.
     */
    static final int PAGE_BYTES = 16 * 1024;

    /** The status byte of an ok reply: all a lookup's reply has before its records. */
    private static final byte[] OK = {0};

    /** Nodes whose request budgets are remembered at most (the least recently seen is forgotten). */
    private static final int RATE_KEYS = 100_000;

    private final PilotNode node;
    private final Registry registry;
    private final BackboneSettings settings;
    private final RateLimiter<PilotAddress> buckets;
    private final RateLimiter<PilotAddress> watchBuckets;
    private final RateLimiter<PilotAddress> groupBuckets;
    private final Map<DirectoryError, LongAdder> refusals = new EnumMap<>(DirectoryError.class);
    /** Requests received, by operation code (one byte): what tests and operators read to see who leans on the backbone. */
    private final LongAdder[] requests = new LongAdder[256];

    /**
     * Changes with every start of the backbone. Watches live only in memory: a node that sees a new epoch in a
     * reply knows its watches are gone (even when its registration came back from the store) and renews them.
     */
    private final long epoch = new SecureRandom().nextLong();
    /** The largest page of a paged reply: at most the node's message limit, which every item is checked against. */
    private final int pageBytes;
    private final PagedReplies paged;

    DirectoryService(PilotNode node, Registry registry, BackboneSettings settings) {
        this.node = node;
        this.registry = registry;
        this.settings = settings;
        this.buckets = new RateLimiter<>(settings.registrationsPerSecond(), RATE_KEYS);
        this.watchBuckets = new RateLimiter<>(settings.watchesPerSecond(), RATE_KEYS);
        this.groupBuckets = new RateLimiter<>(settings.groupCreationsPerSecond(), RATE_KEYS);
        this.pageBytes = Math.min(PAGE_BYTES, node.maxMessageSize());
        this.paged = new PagedReplies(settings.pagedReplyStall());
        for (DirectoryError error : DirectoryError.values()) {
            refusals.put(error, new LongAdder());
        }
        Arrays.setAll(requests, op -> new LongAdder());
    }

    Map<DirectoryError, Long> refusals() {
        Map<DirectoryError, Long> counts = new EnumMap<>(DirectoryError.class);
        refusals.forEach((error, count) -> {
            if (count.sum() > 0) {
                counts.put(error, count.sum());
            }
        });
        return counts;
    }

    /** Paged replies whose callers are still reading them. */
    int pagedReplies() {
        return paged.held();
    }

    /** Requests received with operation {@code op} (a {@code DirectoryProtocol.OP_*}), well formed or not. */
    long requests(int op) {
        return op >= 0 && op < requests.length ? requests[op].sum() : 0;
    }

    /**
     * Answers on the node's event loop what is an in-memory read, with no hop to the handler pool and back: a
     * lookup that selects at most {@link #ON_LOOP_RECORDS} records, and a heartbeat (it moves a lease in memory and
     * writes nothing to a store). Neither takes the registry's lock, which a change holds across its store's write.
     * Returns null for everything else, which {@link #handle} answers on the pool.
     */
    Message answerOnLoop(IncomingMessage in) {
        byte[] body = in.message().body();
        if (body.length == 0) {
            return null;
        }
        int op = body[0] & 0xFF;
        if (op == DirectoryProtocol.OP_HEARTBEAT) {
            return answer(in);
        }
        if (op != DirectoryProtocol.OP_LOOKUP || body.length < 2 || body[1] == Query.ALL.ordinal()) {
            return null;
        }
        try {
            BinaryReader request = new BinaryReader(body);
            request.u8();
            Query query = Query.fromWire(request.u8());
            String value = request.string8();
            request.end();
            requireMember(in.from());
            List<HeldRecord> found = registry.lookup(query, value);
            if (found.size() > ON_LOOP_RECORDS) {
                return null; // a large reply is written on the pool: the loop serves every session of the backbone
            }
            requests[op].increment();
            return Message.of(new RecordsReply<>(OK, found, RecordsReply.RECORDS).toBytes());
        } catch (DecodeException | DirectoryException | IllegalArgumentException e) {
            return answer(in); // refused the same way, and counted, as on the pool
        }
    }

    @Override
    public CompletionStage<Message> handle(IncomingMessage in) {
        return CompletableFuture.completedFuture(answer(in));
    }

    /**
     * A streamed request, which a client sends for what may not fit one message (a watch's snapshot, a lookup refused
     * {@code TOO_LARGE}): LOOKUP, WATCH and WATCH_FROM are answered in pages of at most {@link #pageBytes} that put end
     * to end are the reply {@link #handle} would give; anything else, and every refusal, is that one reply as the
     * stream's one item. A reply of several pages holds its snapshot until the caller has read it: at most
     * {@link PagedReplies#PER_NODE} per requester and {@link PagedReplies#IN_ALL} in all wait at once, beyond which the
     * request is refused {@code TOO_MANY}, and one whose caller grants no credit for
     * {@link BackboneSettings#pagedReplyStall} is ended ({@link #endStalledReplies}).
     */
    @Override
    public Flow.Publisher<Message> handleStream(IncomingMessage in) throws Exception {
        byte[] body = in.message().body();
        int op = body.length == 0 ? -1 : body[0] & 0xFF;
        if (op != DirectoryProtocol.OP_LOOKUP && op != DirectoryProtocol.OP_WATCH && op != DirectoryProtocol.OP_WATCH_FROM) {
            return MessageHandler.super.handleStream(in);
        }
        requests[op].increment();
        RecordsReply<?> reply;
        try {
            BinaryReader request = new BinaryReader(body);
            request.u8();
            reply = recordsReply(in, request, op);
        } catch (DecodeException | DirectoryException | IllegalArgumentException e) {
            return oneItem(refuse(e));
        }
        if (reply.fitsOnePage(pageBytes)) {
            return oneItem(reply.toBytes());
        }
        RecordsReply<?>.Paged pages = reply.pages(pageBytes, reader -> paged.leave(in.from(), reader));
        if (!paged.tryEnter(in.from(), pages)) {
            reply.withdraw(); // a watch made for this reply would send events no one knows the subscription of
            return oneItem(refuse(new DirectoryException(DirectoryError.TOO_MANY, "more than " + PagedReplies.PER_NODE
                    + " paged replies at once to " + in.from() + ", or " + PagedReplies.IN_ALL + " to all nodes")));
        }
        // Also when the exchange stops without a cancel the producer could be handed (the connection closed): the
        // cancellation fires on every path that ends the stream early.
        in.cancellation().onCancel(pages::cancel);
        return pages;
    }

    /** Ends the paged replies whose callers granted no credit for {@link BackboneSettings#pagedReplyStall}. */
    int endStalledReplies() {
        return paged.endStalled(System.nanoTime());
    }

    private static Flow.Publisher<Message> oneItem(byte[] reply) {
        return MessageHandler.oneItem(Message.of(reply));
    }

    private Message answer(IncomingMessage in) {
        byte[] body = in.message().body();
        if (body.length > 0) {
            // Counted by the first byte before it is decoded, so that a refused request is counted too.
            requests[body[0] & 0xFF].increment();
        }
        byte[] reply;
        try {
            reply = dispatch(in, new BinaryReader(body));
        } catch (DecodeException | DirectoryException | IllegalArgumentException e) {
            reply = refuse(e);
        }
        return Message.of(reply);
    }

    /**
     * The error reply to a request that was malformed ({@link DecodeException}), refused ({@link DirectoryException})
     * or had a field that decoded but is out of range (an {@link IllegalArgumentException}: an address, a name...):
     * the request is bad, not the backbone. Counted by reason.
     */
    private byte[] refuse(RuntimeException e) {
        DirectoryException refusal = e instanceof DirectoryException directory ? directory
                : e instanceof DecodeException malformed ? DirectoryProtocol.malformed(malformed)
                : new DirectoryException(DirectoryError.BAD_REQUEST, e.getMessage());
        refusals.get(refusal.error()).increment();
        return DirectoryProtocol.error(refusal.error(), refusal.reason());
    }

    private byte[] dispatch(IncomingMessage in, BinaryReader request) {
        int op = request.u8();
        return switch (op) {
            case DirectoryProtocol.OP_REGISTER -> register(in, request);
            case DirectoryProtocol.OP_HEARTBEAT -> {
                request.end();
                yield DirectoryProtocol.ok().u32(registry.heartbeat(in.fromKey())).u64(epoch).toBytes();
            }
            case DirectoryProtocol.OP_DEREGISTER -> {
                request.end();
                publish(registry.deregister(in.fromKey()));
                registry.unwatchAll(in.from());
                yield DirectoryProtocol.ok().toBytes();
            }
            case DirectoryProtocol.OP_LOOKUP, DirectoryProtocol.OP_WATCH, DirectoryProtocol.OP_WATCH_FROM ->
                    recordsReply(in, request, op).toBytes();
            case DirectoryProtocol.OP_UNWATCH -> {
                int id = (int) request.u32();
                request.end();
                registry.unwatch(in.from(), id);
                yield DirectoryProtocol.ok().toBytes();
            }
            case DirectoryProtocol.OP_CREATE_GROUP -> {
                String name = checked(Names::checkGroup, request.string8());
                GroupPolicy policy = GroupPolicy.fromWire(request.u8());
                byte[] token = request.bytes16();
                request.end();
                registry.requireRegistered(in.from(), "create a group");
                admit(groupBuckets, in.from(), settings.groupCreationsPerSecond(), "create-group requests");
                registry.createGroup(in.fromKey(), name, policy, token);
                yield DirectoryProtocol.ok().toBytes();
            }
            case DirectoryProtocol.OP_PUNCH -> punch(in, request);
            default -> throw new DirectoryException(DirectoryError.UNKNOWN_OPERATION, "operation " + op + " is unknown");
        };
    }

    private byte[] register(IncomingMessage in, BinaryReader request) {
        String joinToken = request.string8();
        int credentialCount = request.u8();
        Map<String, byte[]> credentials = new HashMap<>();
        for (int i = 0; i < credentialCount; i++) {
            credentials.put(request.string8(), request.bytes16());
        }
        byte[] recordBytes = request.bytes16();
        request.end();
        admit(buckets, in.from(), settings.registrationsPerSecond(), "registrations");
        SignedRecord signed;
        try {
            signed = SignedRecord.decode(recordBytes);
        } catch (RecordException e) {
            throw new DirectoryException(DirectoryError.BAD_RECORD, e.getMessage());
        }
        Registry.Registered registered = registry.register(in.fromKey(), signed, joinToken, credentials);
        publish(registered.events());
        InetSocketAddress observed = node.peer(in.from()).map(PeerInfo::endpoint).orElse(null);
        BinaryWriter reply = DirectoryProtocol.ok().u32(registered.leaseMillis()).u64(registered.revision()).u64(epoch);
        return observed == null ? reply.u8(0).toBytes() : reply.u8(1).socketAddress(observed).toBytes();
    }

    /** LOOKUP, WATCH or WATCH_FROM ({@code op}, read already): the reply, written whole or in pages by the caller. */
    private RecordsReply<?> recordsReply(IncomingMessage in, BinaryReader request, int op) {
        if (op == DirectoryProtocol.OP_WATCH) {
            return watch(in, request);
        }
        if (op == DirectoryProtocol.OP_WATCH_FROM) {
            return watchFrom(in, request);
        }
        Query query = DirectoryProtocol.Query.fromWire(request.u8());
        String value = request.string8();
        request.end();
        requireMember(in.from());
        return new RecordsReply<>(OK, registry.lookup(query, value), RecordsReply.RECORDS);
    }

    private RecordsReply<HeldRecord> watch(IncomingMessage in, BinaryReader request) {
        Query query = Query.fromWire(request.u8());
        String value = request.string8();
        request.end();
        registry.requireRegistered(in.from(), "watch");
        admit(watchBuckets, in.from(), settings.watchesPerSecond(), "watch requests");
        int id = registry.watch(in.from(), query, value);
        byte[] head = DirectoryProtocol.ok().u32(id).u64(registry.revision()).toBytes();
        return new RecordsReply<>(head, registry.lookup(query, value), RecordsReply.RECORDS,
                () -> registry.unwatch(in.from(), id));
    }

    /**
     * A watch that says which revision it last heard of: it gets the changes it missed since, in revision order,
     * when this directory can replay them (same revisions, history reaching back that far), else a snapshot; and
     * its events name the revision of the one before, so that it can tell when one went missing.
     */
    private RecordsReply<?> watchFrom(IncomingMessage in, BinaryReader request) {
        Query query = Query.fromWire(request.u8());
        String value = request.string8();
        long since = request.u64();
        long sinceEpoch = request.u64();
        request.end();
        registry.requireRegistered(in.from(), "watch");
        admit(watchBuckets, in.from(), settings.watchesPerSecond(), "watch requests");
        boolean sameRevisions = registry.revisionsShared() || sinceEpoch == epoch;
        Registry.Resumed resumed = registry.resume(in.from(), query, value, since, sameRevisions);
        BinaryWriter reply = DirectoryProtocol.ok().u32(resumed.subscription()).u64(resumed.revision()).u64(epoch);
        Runnable unwatch = () -> registry.unwatch(in.from(), resumed.subscription());
        if (resumed.replay() == null) {
            return new RecordsReply<>(reply.u8(DirectoryProtocol.WATCH_SNAPSHOT).toBytes(), resumed.snapshot(),
                    RecordsReply.RECORDS, unwatch);
        }
        return new RecordsReply<>(reply.u8(DirectoryProtocol.WATCH_REPLAYED).toBytes(), resumed.replay(),
                RecordsReply.REPLAYED, unwatch);
    }

    /**
     * Tells the target that {@code in.from()} wants a direct path, with the endpoint this backbone sees it at,
     * so both sides send handshakes at each other at once; answers with the target's record.
     */
    private byte[] punch(IncomingMessage in, BinaryReader request) {
        PilotAddress target = new PilotAddress(request.u16(), request.u64());
        request.end();
        admit(buckets, in.from(), settings.registrationsPerSecond(), "punch requests");
        HeldRecord targetRecord = registry.find(target);
        HeldRecord requester = registry.find(in.from());
        if (targetRecord == null || requester == null) {
            throw new DirectoryException(DirectoryError.NOT_FOUND, (targetRecord == null ? target : in.from())
                    + " has no live registration");
        }
        InetSocketAddress observed = node.peer(in.from()).map(PeerInfo::endpoint).orElse(null);
        BinaryWriter event = new BinaryWriter().u8(DirectoryProtocol.EVENT_PUNCH).u32(0).u64(registry.revision())
                .bytes16(requester.signedBytes());
        if (observed != null) {
            event.socketAddress(observed);
        }
        send(target, event.toBytes());
        return DirectoryProtocol.ok().bytes16(targetRecord.signedBytes()).toBytes();
    }

    void publish(List<Registry.Event> events) {
        for (Registry.Event event : events) {
            BinaryWriter body = new BinaryWriter().u8(event.kind()).u32(event.subscription()).u64(event.revision())
                    .bytes16(event.record().signedBytes());
            if (event.previous() != Registry.UNCHAINED) {
                body.u64(event.previous());
            }
            send(event.subscriber(), body.toBytes());
        }
    }

    private void send(PilotAddress to, byte[] body) {
        // A failed delivery does not end the watch: the watcher may be briefly away. Its watches end with its
        // registration (lapse or deregistration).
        node.send(new PilotSocketAddress(to, DirectoryProtocol.EVENTS_PORT), Message.of(body)).whenComplete((ok, failure) -> {
            if (failure != null) {
                log.debug("directory event to {} not delivered: {}", to, failure.getMessage());
            }
        });
    }

    /**
     * In a realm with a join token only its members read the directory: a node that has not registered (and so not
     * shown the token) is refused {@code NOT_REGISTERED}. Without a token anyone may register, and anyone may read.
     */
    private void requireMember(PilotAddress from) {
        if (settings.joinToken() != null && !registry.isRegistered(from)) {
            throw new DirectoryException(DirectoryError.NOT_REGISTERED, "this realm needs a join token: only a registered "
                    + "node may look up; " + from + " has no live registration");
        }
    }

    /** Takes one token of {@code from}'s budget in {@code limiter}, or refuses the request as too many. */
    private void admit(RateLimiter<PilotAddress> limiter, PilotAddress from, int perSecond, String what) {
        boolean admitted;
        synchronized (limiter) {
            admitted = limiter.tryAcquire(from, System.nanoTime());
        }
        if (!admitted) {
            throw new DirectoryException(DirectoryError.TOO_MANY, "more than " + perSecond + " " + what
                    + " a second from " + from);
        }
    }

    private static String checked(UnaryOperator<String> check, String value) {
        try {
            return check.apply(value);
        } catch (IllegalArgumentException e) {
            throw new DirectoryException(DirectoryError.BAD_REQUEST, e.getMessage());
        }
    }
}

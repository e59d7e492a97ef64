package io.pilot.engine.directory;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives what the backbone pushes on {@link DirectoryProtocol#EVENTS_PORT}: watch events go to the
 * watches, punch requests to the punches. Pushes from anyone but the backbone, and malformed ones, are dropped.
 * Served in arrival order ({@link io.pilot.engine.PilotNode#listenInOrder}): a watch's listener hears two nodes'
 * events in the order the backbone pushed them, where two threads of the handler pool would race. Punch requests are
 * passed on to the directory's timer thread at once ({@link PunchRequests#punchBack} only starts a connection), so
 * a slow listener does not hold them up.
 */
final class BackboneEvents implements MessageHandler {

    private static final Logger log = LoggerFactory.getLogger(BackboneEvents.class);

    private final Predicate<PilotAddress> isBackbone;
    private final Watches watches;
    private final PunchRequests punches;

    /** @param isBackbone whether an address is the backbone's, whose pushes alone are heard */
    BackboneEvents(Predicate<PilotAddress> isBackbone, Watches watches, PunchRequests punches) {
        this.isBackbone = isBackbone;
        this.watches = watches;
        this.punches = punches;
    }

    @Override
    public CompletionStage<Message> handle(IncomingMessage in) {
        if (!isBackbone.test(in.from())) {
            log.debug("ignoring a directory event from {}, which is not the backbone", in.from());
            return CompletableFuture.completedFuture(null);
        }
        try {
            BinaryReader reader = new BinaryReader(in.message().body());
            int kind = reader.u8();
            int subscription = (int) reader.u32();
            long revision = reader.u64();
            byte[] recordBytes = reader.bytes16();
            if (kind == DirectoryProtocol.EVENT_PUNCH) {
                InetSocketAddress observed = reader.remaining() > 0 ? reader.socketAddress() : null;
                reader.end();
                NodeRecord requester = SignedRecord.decode(recordBytes).record();
                // Not behind the watch events' queue: a slow watch listener must not delay a punch, which is timed
                // against the requester's own attempt.
                DirectoryTimer.TIMER.execute(() -> punches.punchBack(requester, observed));
            } else {
                // A WATCH_FROM subscription's events name the revision of the one before; an old WATCH's do not.
                boolean chained = reader.remaining() > 0;
                long previous = chained ? reader.u64() : Watch.NOT_CHAINED;
                reader.end();
                // Revisions count up from 1 and an event names one at or before its own (several records changed at
                // one revision, as a reload or an expired lease's deletes, chain at that revision): anything else (a
                // u64 past 2^63 reads negative here) would pass for "no chain" or for one long delivered, and skip
                // the ordering.
                if (revision <= 0 || chained && (previous < 0 || previous > revision)) {
                    throw new IllegalArgumentException("event revision " + Long.toUnsignedString(revision)
                            + " after " + Long.toUnsignedString(previous));
                }
                watches.onEvent(kind, subscription, revision, SignedRecord.decode(recordBytes), previous);
            }
        } catch (RuntimeException e) {
            log.warn("dropping a malformed directory event from the backbone: {}", e.getMessage());
        }
        return CompletableFuture.completedFuture(null);
    }
}

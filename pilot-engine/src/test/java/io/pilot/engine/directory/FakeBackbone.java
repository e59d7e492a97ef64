package io.pilot.engine.directory;

import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.codec.BinaryWriter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** Answers directory calls with queued reply bodies or failures, in order, and records every request. */
final class FakeBackbone implements BackboneCall {

    final List<byte[]> requests = new ArrayList<>();
    private final Deque<Object> replies = new ArrayDeque<>();

    FakeBackbone reply(BinaryWriter body) {
        replies.add(body.toBytes());
        return this;
    }

    /** A reply the test gives later, by completing {@code reply} with its body: a call still on its way. */
    FakeBackbone later(CompletableFuture<byte[]> reply) {
        replies.add(reply);
        return this;
    }

    FakeBackbone fail(Throwable error) {
        replies.add(error);
        return this;
    }

    /** The epoch a fake backbone answers WATCH_FROM with. */
    static final long EPOCH = 0x5eed;

    /** A WATCH_FROM reply's head that a snapshot follows ({@link #records}). */
    static BinaryWriter watchSnapshot(int subscription, long revision) {
        return watchSnapshot(subscription, revision, EPOCH);
    }

    /** A WATCH_FROM reply's head for a snapshot from the backbone of {@code epoch} (another one: a restart). */
    static BinaryWriter watchSnapshot(int subscription, long revision, long epoch) {
        return DirectoryProtocol.ok().u32(subscription).u64(revision).u64(epoch).u8(DirectoryProtocol.WATCH_SNAPSHOT);
    }

    /** An ok reply listing records: {@code count u32 | record bytes16 *}, after {@code head}. */
    static BinaryWriter records(BinaryWriter head, SignedRecord... records) {
        head.u32(records.length);
        for (SignedRecord record : records) {
            head.bytes16(record.toBytes());
        }
        return head;
    }

    @Override
    public <T> CompletableFuture<T> call(byte[] request, Function<BinaryReader, T> read) {
        requests.add(request);
        Object next = replies.poll();
        if (next == null) {
            return CompletableFuture.failedFuture(new AssertionError("no reply queued for a request"));
        }
        if (next instanceof Throwable error) {
            return CompletableFuture.failedFuture(error);
        }
        if (next instanceof CompletableFuture<?> later) {
            return later.thenApply(body -> BackboneCall.readReply((byte[]) body, read));
        }
        try {
            return CompletableFuture.completedFuture(BackboneCall.readReply((byte[]) next, read));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The op byte of the {@code index}th request. */
    int op(int index) {
        return requests.get(index)[0] & 0xFF;
    }
}

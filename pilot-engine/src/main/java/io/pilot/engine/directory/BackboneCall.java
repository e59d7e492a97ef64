package io.pilot.engine.directory;

import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.codec.DecodeException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * One request to the backbone's directory service and its reply, as the client's parts see it: they build
 * the request and read the fields of an ok reply; how the backbone is reached is {@link BackboneLink}'s job.
 * An interface so that each part can be tested against canned replies.
 */
@FunctionalInterface
interface BackboneCall {

    /**
     * Sends {@code request} and reads the ok reply with {@code read}. Fails with {@link DirectoryException}
     * if the backbone refuses or its reply does not decode ({@link DirectoryError#BAD_REQUEST}), and with
     * another exception if the backbone cannot be reached.
     */
    <T> CompletableFuture<T> call(byte[] request, Function<BinaryReader, T> read);

    /**
     * As {@link #call}, for a request whose reply may not fit one message (LOOKUP, WATCH, WATCH_FROM): the reply comes
     * in pages, read whole before {@code read} sees it (docs/PROTOCOL.md §7.1). By default a plain call.
     */
    default <T> CompletableFuture<T> callPaged(byte[] request, Function<BinaryReader, T> read) {
        return call(request, read);
    }

    /** Sends {@code request}; whatever an ok reply carries is not needed. */
    default CompletableFuture<Void> send(byte[] request) {
        return call(request, reply -> null);
    }

    /**
     * Reads a reply: its status, then with {@code read} the fields of an ok reply. A reply that does not
     * decode is the protocol's {@link DirectoryError#BAD_REQUEST}, like a refusal: it will not get better.
     */
    static <T> T readReply(byte[] reply, Function<BinaryReader, T> read) {
        try {
            return read.apply(DirectoryProtocol.readReply(reply));
        } catch (DecodeException e) {
            throw DirectoryProtocol.malformed(e);
        }
    }

    /** The failure a future completed with, without the {@link CompletionException} around it. */
    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** Whether the backbone answered with a refusal, which retrying will not change (unlike an outage). */
    static boolean refused(Throwable error) {
        // A backbone whose shared store is down refuses changes for now: an outage, retried like one.
        return unwrap(error) instanceof DirectoryException refusal && refusal.error() != DirectoryError.STORE_UNAVAILABLE;
    }
}

package io.pilot.spring.client;

import io.pilot.engine.message.BlockingItems;

import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A streamed call's elements as the {@code java.util.stream.Stream} a client-interface method returns: read as they
 * arrive, in order; closing the stream (try-with-resources) cancels the call and stops the producer.
 */
final class StreamOfItems {

    private StreamOfItems() {
    }

    static <T> Stream<T> of(BlockingItems<T> items) {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(items, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(items::close);
    }
}

package io.pilot.benchmarks.boot;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Opens the NATS connection of either role, named after the app so that the server's logs tell them apart. */
final class NatsConnections {

    private NatsConnections() {
    }

    static Connection open(String url, String name) {
        try {
            return Nats.connect(Options.builder().server(url).connectionName(name).build());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to nats-server at " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to nats-server at " + url, e);
        }
    }
}

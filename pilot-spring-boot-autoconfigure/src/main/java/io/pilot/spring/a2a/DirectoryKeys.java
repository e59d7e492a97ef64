package io.pilot.spring.a2a;

import io.pilot.engine.card.AgentCardVerifier;
import io.pilot.engine.card.CardException;
import io.pilot.engine.card.KeyDirectory;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.NodeRecord;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The directory as a card verifier's source of keys: a hostname looked up through the agent's directory client,
 * whose records are signed by their nodes and checked on arrival.
 */
public final class DirectoryKeys implements KeyDirectory {

    private final DirectoryClient directory;
    private final Duration timeout;

    public DirectoryKeys(DirectoryClient directory, Duration timeout) {
        this.directory = directory;
        this.timeout = timeout;
    }

    /** A verifier of cards against this directory, fetching within {@code timeout}. */
    public static AgentCardVerifier verifier(DirectoryClient directory, Duration timeout) {
        return new AgentCardVerifier(new DirectoryKeys(directory, timeout), timeout);
    }

    @Override
    public Listing lookup(String hostname) {
        NodeRecord record;
        try {
            record = directory.lookup(hostname).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CardException("interrupted while looking up " + hostname, e);
        } catch (TimeoutException e) {
            throw new CardException("the directory did not answer for " + hostname + " within " + timeout, e);
        } catch (ExecutionException | CompletionException e) {
            throw new CardException("the directory has no key for " + hostname + ": " + e.getCause().getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CardException("the card names '" + hostname + "', which is no hostname: " + e.getMessage(), e);
        }
        return new Listing(record.hostname(), record.address(), record.key());
    }
}

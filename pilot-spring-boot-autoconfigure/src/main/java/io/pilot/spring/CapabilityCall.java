package io.pilot.spring;

import io.pilot.engine.message.BlockingItems;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.springframework.core.ParameterizedTypeReference;

import reactor.core.publisher.Flux;

/**
 * One capability call being specified: where it goes (any provider, the providers in a group, or one named agent),
 * how long it may take and which headers it carries; then made, blocking or not, its result read as a class or a
 * generic type. Each step returns a new spec, so a spec may be kept and shared (a client interface keeps one per
 * method); {@link PilotClient#capability} starts one:
 * <pre>{@code
 * Rate rate = pilotClient.capability("fx.rate").inGroup("finance").timeout(Duration.ofSeconds(2))
 *         .call(new RateQuery("EURUSD"), Rate.class);
 * List<Citation> found = pilotClient.capability("papers.search").to("specialist-papers")
 *         .call("agents", new ParameterizedTypeReference<List<Citation>>() { });
 * }</pre>
 * Failures throw (or complete the future with) {@link PilotRemoteException}, as every other call does.
 */
public interface CapabilityCall {

    /** To the agent named by {@code hostnameOrAddress} only; refused when {@link #inGroup} was given. */
    CapabilityCall to(String hostnameOrAddress);

    /** To one provider among the members of {@code group} (chosen as any anycast); refused when {@link #to} was given. */
    CapabilityCall inGroup(String group);

    /** Fails with {@code TIMEOUT} once {@code timeout} has passed without a reply (failovers included); default {@code pilot.request-timeout}. */
    CapabilityCall timeout(Duration timeout);

    /**
     * The total limit of a streamed call ({@link #stream}, {@link #streamItems}): the whole stream must end within
     * {@code deadline} of the subscription, else it fails with {@code DEADLINE_EXCEEDED} after the items before, and
     * the producer is cancelled (the serving agent enforces it). {@link #timeout} stays the idle limit. Without it a
     * stream has no total limit, unless it is opened while serving a request with a deadline: then it never outlives
     * that request (the shorter wins). For {@code call}, {@code callAsync} and {@code exchange}, whose timeout is
     * their total already, the shorter of the two applies.
     */
    CapabilityCall deadline(Duration deadline);

    /** Sends {@code name: value} with the request; Pilot's own headers (capability, content-type, deadline, …) are refused. */
    CapabilityCall header(String name, String value);

    <T> T call(Object request, Class<T> responseType);

    <T> T call(Object request, ParameterizedTypeReference<T> responseType);

    <T> CompletableFuture<T> callAsync(Object request, Class<T> responseType);

    <T> CompletableFuture<T> callAsync(Object request, ParameterizedTypeReference<T> responseType);

    /** {@link #callAsync(Object, Class)} with the agent that replied, the path and the time taken. */
    <T> CompletableFuture<PilotReply<T>> exchange(Object request, Class<T> responseType);

    <T> CompletableFuture<PilotReply<T>> exchange(Object request, ParameterizedTypeReference<T> responseType);

    /**
     * Calls a capability that streams its reply (one returning {@code Flux}, {@code Stream} or {@code Flow.Publisher}):
     * its elements, each read as {@code itemType}, as they come. Needs Reactor. Cold: each subscription is one call,
     * sent at the first demand, to the named agent, or to one provider (among the group's, if given) chosen as a call's
     * anycast chooses, without failover. Flow control reaches the producer: at most
     * 32 items ({@code PilotNode.DEFAULT_STREAM_WINDOW}) are on their way or waiting beyond what the
     * subscriber has taken, so a slow subscriber slows the producer; cancelling (dispose, {@code take(n)} met) stops
     * it. {@link #timeout} is the idle limit: the time to the first item and between items (default
     * {@code pilot.request-timeout}), not the stream's total; {@link #deadline} is the total (none by default, but a
     * stream opened while serving a request never outlives that request's deadline). Fails with
     * {@link PilotRemoteException}: the producer's typed error after the items before it, {@code DEADLINE_EXCEEDED}
     * when the deadline passed (after the items before it), {@code TIMEOUT} when the idle limit passed, {@code TOO_LARGE} for an item
     * over the size limit, {@code PROTOCOL} naming the capability for an item that does not read as {@code itemType}.
     * A capability that answers with one result streams it as one element (none when it answered nothing).
     */
    <T> Flux<T> stream(Object request, Class<T> itemType);

    /** {@link #stream(Object, Class)} with a generic item type. */
    <T> Flux<T> stream(Object request, ParameterizedTypeReference<T> itemType);

    /**
     * {@link #stream(Object, Class)} without Reactor: the elements read by a blocking loop. The call is sent at once;
     * failures are thrown from {@code hasNext()} once the items before them are read; closing it (try-with-resources)
     * before the end cancels the call and stops the producer:
     * <pre>{@code
     * try (BlockingItems<Token> tokens = pilotClient.capability("llm.generate").streamItems(prompt, Token.class)) {
     *     tokens.forEachRemaining(this::print);
     * }
     * }</pre>
     */
    <T> BlockingItems<T> streamItems(Object request, Class<T> itemType);

    /** {@link #streamItems(Object, Class)} with a generic item type. */
    <T> BlockingItems<T> streamItems(Object request, ParameterizedTypeReference<T> itemType);
}

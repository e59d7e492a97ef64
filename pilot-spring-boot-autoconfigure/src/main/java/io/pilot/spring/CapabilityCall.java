package io.pilot.spring;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.springframework.core.ParameterizedTypeReference;

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

    /** Sends {@code name: value} with the request; Pilot's own headers (capability, content-type, deadline, …) are refused. */
    CapabilityCall header(String name, String value);

    <T> T call(Object request, Class<T> responseType);

    <T> T call(Object request, ParameterizedTypeReference<T> responseType);

    <T> CompletableFuture<T> callAsync(Object request, Class<T> responseType);

    <T> CompletableFuture<T> callAsync(Object request, ParameterizedTypeReference<T> responseType);

    /** {@link #callAsync(Object, Class)} with the agent that replied, the path and the time taken. */
    <T> CompletableFuture<PilotReply<T>> exchange(Object request, Class<T> responseType);

    <T> CompletableFuture<PilotReply<T>> exchange(Object request, ParameterizedTypeReference<T> responseType);
}

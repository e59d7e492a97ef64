package io.pilot.spring;

import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.group.BroadcastResult;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.springframework.core.ParameterizedTypeReference;

/**
 * Calls capabilities of other agents directly: discovery through the backbone, then a direct, end-to-end
 * encrypted request to the chosen provider. Failures throw {@link PilotRemoteException}.
 *
 * <p>Calls may be made from any thread (a request handler, a scheduled task, a message listener). On shutdown,
 * once the capability calls this application serves are done, the calls it makes that are still in progress
 * finish before the node closes, within {@code spring.lifecycle.timeout-per-shutdown-phase}; a call started
 * after that point is refused at once with {@code UNREACHABLE} "the agent is stopping".
 */
public interface PilotClient {

    /** Calls {@code capability} on one provider, chosen by lowest round-trip time, then load. */
    <T> T call(String capability, Object request, Class<T> responseType);

    /** {@link #call(String, Object, Class)} without blocking. */
    <T> CompletableFuture<T> callAsync(String capability, Object request, Class<T> responseType);

    /**
     * A call of {@code capability} to specify further: a named agent or a group, a timeout of its own, headers, a
     * generic result type. The methods below that take no spec are shorthands of it.
     */
    CapabilityCall capability(String capability);

    /** {@link #call(String, Object, Class)} with a generic result type, e.g. {@code List<Citation>}. */
    default <T> T call(String capability, Object request, ParameterizedTypeReference<T> responseType) {
        return capability(capability).call(request, responseType);
    }

    /** {@link #callAsync(String, Object, Class)} with a generic result type. */
    default <T> CompletableFuture<T> callAsync(String capability, Object request, ParameterizedTypeReference<T> responseType) {
        return capability(capability).callAsync(request, responseType);
    }

    /** {@link #exchange(String, Object, Class)} with a generic result type. */
    default <T> CompletableFuture<PilotReply<T>> exchange(String capability, Object request,
            ParameterizedTypeReference<T> responseType) {
        return capability(capability).exchange(request, responseType);
    }

    /** Calls {@code capability} on the agent named by {@code hostnameOrAddress}. */
    <T> T call(String hostnameOrAddress, String capability, Object request, Class<T> responseType);

    /** {@link #call(String, String, Object, Class)} without blocking. */
    <T> CompletableFuture<T> callAsync(String hostnameOrAddress, String capability, Object request, Class<T> responseType);

    /**
     * {@link #callAsync(String, Object, Class)}, answering with the agent that replied, the path and the time
     * taken as well as the result.
     */
    <T> CompletableFuture<PilotReply<T>> exchange(String capability, Object request, Class<T> responseType);

    /** {@link #callAsync(String, String, Object, Class)} with the agent that replied, the path and the time taken. */
    <T> CompletableFuture<PilotReply<T>> exchange(String hostnameOrAddress, String capability, Object request,
            Class<T> responseType);

    /** The round-trip time to an agent over its tunnel. */
    Duration ping(String hostnameOrAddress);

    /** Sends {@code message} (as JSON) to every other member of {@code group}, directly, once each. */
    BroadcastResult broadcast(String group, Object message);

    /** Every live provider of {@code capability}. */
    List<NodeRecord> find(String capability);

    /** Every live member of {@code group}, this application included if it is one. */
    List<NodeRecord> members(String group);

    /**
     * A declarative client: an implementation of {@code api} whose methods call capabilities, as the beans
     * {@link ImportPilotClients} registers are (see there for what a method may take and return), calling any
     * provider within {@code pilot.request-timeout}:
     * <pre>{@code
     * interface Papers {
     *     @Capability("papers.resolve-citation")
     *     Citation resolve(CitationQuery query);
     * }
     * Papers papers = pilotClient.capabilities(Papers.class);
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code api} is not an interface or a method does not fit
     */
    <T> T capabilities(Class<T> api);
}

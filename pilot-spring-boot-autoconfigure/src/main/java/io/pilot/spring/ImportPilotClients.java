package io.pilot.spring;

import io.pilot.spring.client.PilotClientsRegistrar;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;

/**
 * Registers client interfaces as beans, to inject like any other (the Pilot counterpart of Spring's
 * {@code @ImportHttpServices}): each method carries {@link Capability} naming the capability it calls.
 * <pre>{@code
 * @SpringBootApplication
 * @ImportPilotClients(types = {Papers.class, Fx.class})
 * class CoordinatorApplication { }
 *
 * interface Fx {
 *     @Capability("fx.rate")
 *     Rate rate(String pair, @Header("tenant") String tenant);           // blocking
 *     @Capability(value = "fx.history", timeout = "5s")
 *     CompletableFuture<List<Rate>> history(String pair, LocalDate from);  // a JSON object {pair, from}
 * }
 * }</pre>
 *
 * <p>A method's parameters make the request: none, no body; one, the whole body; several, a JSON object of them by
 * parameter name (compile with {@code -parameters}, as Spring Boot's build does); those annotated with
 * {@code @Header} (Spring messaging's) travel as request headers instead. It returns the result (or {@code void}), a
 * {@code CompletableFuture} or {@code CompletionStage} of it, or, with Reactor present, a {@code Mono} of it (the call
 * is made on subscription). A capability that streams its reply is called by a method returning {@code Flux<T>} (with
 * Reactor; each subscription one call, see {@code CapabilityCall.stream}) or {@code Stream<T>} (read as the items
 * arrive; close it, e.g. with try-with-resources, to stop the producer early). Generic results
 * ({@code List<Citation>}) are read as declared; a {@link PilotReply} of the result
 * ({@code CompletableFuture<PilotReply<Rate>>}) adds the agent that answered, the path and the time. Failures are
 * {@link PilotRemoteException}s.
 *
 * <p>Each interface is the bean named by its simple name, first letter lower-cased ({@code Fx} → {@code fx}); its
 * calls go to any provider within {@code pilot.request-timeout} unless {@code pilot.client.interfaces.<bean name>}
 * says {@code hostname} (one agent), {@code group} (only providers in that group) and/or {@code timeout}. A method's
 * {@code @Capability(timeout)} is over the interface's. A bad method, or a property naming no interface, fails the
 * start, saying which.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(PilotClientsRegistrar.class)
public @interface ImportPilotClients {

    /** Interfaces to register (no marker needed). */
    Class<?>[] types() default {};

    /**
     * Packages to scan for interfaces marked {@link PilotClientInterface}. With neither these, {@link #types} nor
     * {@link #basePackageClasses}, the package of the annotated class is scanned.
     */
    String[] basePackages() default {};

    /** As {@link #basePackages}, each class standing for its package. */
    Class<?>[] basePackageClasses() default {};
}

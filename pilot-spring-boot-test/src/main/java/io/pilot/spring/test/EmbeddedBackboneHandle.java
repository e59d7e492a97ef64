package io.pilot.spring.test;

import io.pilot.engine.directory.CapabilityInfo;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.identity.NodeKey;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The backbone {@link EmbeddedPilotBackbone} runs, as a test sees it: where it is, what its directory holds, and
 * waits for what the test expects to register there. A bean of every annotated test's context, so
 * {@code @Autowired EmbeddedBackboneHandle backbone} gets it, as {@code @Autowired EmbeddedKafkaBroker} does in
 * spring-kafka; {@link #get()} gets it anywhere else.
 *
 * <p>Every wait is bounded ({@link #DEFAULT_TIMEOUT} unless given) and fails with an {@link AssertionError} that
 * lists what the directory holds instead. The view is the directory's pushes to a watcher, so it follows the
 * backbone within milliseconds, not at once: wait rather than read once.
 */
public final class EmbeddedBackboneHandle {

    /** How long the waits wait unless told: far longer than a registration on loopback takes. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final SharedBackbone backbone;

    private EmbeddedBackboneHandle(SharedBackbone backbone) {
        this.backbone = backbone;
    }

    /** The one backbone of this JVM, started on first use. */
    public static EmbeddedBackboneHandle get() {
        return new EmbeddedBackboneHandle(SharedBackbone.get());
    }

    /** Its UDP endpoint on loopback. */
    public InetSocketAddress address() {
        return backbone.endpoint();
    }

    public int port() {
        return backbone.endpoint().getPort();
    }

    /** Its node key, which agents pin. */
    public NodeKey key() {
        return backbone.key();
    }

    /** Every live record, the kit's own watcher left out. */
    public List<NodeRecord> records() {
        return backbone.observer().records();
    }

    public Optional<NodeRecord> record(String hostname) {
        return records().stream().filter(r -> r.hostname().equals(hostname)).findFirst();
    }

    /** The live agents that provide {@code capability}. */
    public List<NodeRecord> providers(String capability) {
        return matching(r -> r.hasCapability(capability));
    }

    /** The live members of {@code group}. */
    public List<NodeRecord> members(String group) {
        return matching(r -> r.groups().contains(group));
    }

    public NodeRecord awaitRegistered(String hostname) {
        return awaitRegistered(hostname, DEFAULT_TIMEOUT);
    }

    public NodeRecord awaitRegistered(String hostname, Duration timeout) {
        return Poll.until(timeout, () -> record(hostname), Optional::isPresent, "'" + hostname + "' to register",
                this::registered).orElseThrow();
    }

    /** Waits until no live agent has {@code hostname}: one that was stopped has deregistered. */
    public void awaitDeregistered(String hostname) {
        Poll.until(DEFAULT_TIMEOUT, () -> record(hostname), Optional::isEmpty, "'" + hostname + "' to deregister",
                this::registered);
    }

    /** Waits until at least {@code count} live agents provide {@code capability}; returns them. */
    public List<NodeRecord> awaitProviders(String capability, int count) {
        return awaitProviders(capability, count, DEFAULT_TIMEOUT);
    }

    public List<NodeRecord> awaitProviders(String capability, int count, Duration timeout) {
        return Poll.until(timeout, () -> providers(capability), found -> found.size() >= count,
                count + " provider(s) of '" + capability + "'", this::registered);
    }

    /** Waits until {@code group} has at least {@code count} live members; returns them. */
    public List<NodeRecord> awaitMembers(String group, int count) {
        return awaitMembers(group, count, DEFAULT_TIMEOUT);
    }

    public List<NodeRecord> awaitMembers(String group, int count, Duration timeout) {
        return Poll.until(timeout, () -> members(group), found -> found.size() >= count,
                count + " member(s) of group '" + group + "'", this::registered);
    }

    private List<NodeRecord> matching(Predicate<NodeRecord> filter) {
        return records().stream().filter(filter).toList();
    }

    /** What a failed wait shows: every live record, with its capabilities and groups. */
    private String registered() {
        List<NodeRecord> records = records();
        if (records.isEmpty()) {
            return "the backbone at " + address() + " has no agent registered";
        }
        return "registered at " + address() + ": " + records.stream().map(r -> r.hostname() + " (capabilities "
                + r.capabilities().stream().map(CapabilityInfo::name).toList() + ", groups " + r.groups() + ")")
                .collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return "EmbeddedBackboneHandle[" + address() + "]";
    }
}

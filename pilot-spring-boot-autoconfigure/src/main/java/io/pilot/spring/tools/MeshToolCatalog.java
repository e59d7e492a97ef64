package io.pilot.spring.tools;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.CapabilityInfo;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.schema.CapabilitySchema;
import io.pilot.engine.session.EventLoopThreads;
import io.pilot.spring.CapabilityCall;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotRemoteException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The mesh's capabilities as tools for language models ({@link MeshTool}): which ones a {@link ToolSelection} says,
 * named as {@link ToolNames} says, described and typed by what their providers publish in the directory, and called by
 * anycast. Kept current by backbone watches (one on the whole realm, or one per selected group) that the first use
 * opens, so that listing the tools asks nothing of the backbone once they are in; a provider's schema document, when
 * its record names it by digest only, is fetched from the provider once per distinct document and verified.
 * Listeners hear each change of the tools. Thread-safe.
 *
 * <p>Which provider's definition a tool shows: the first provider by hostname whose schemas are read; replicas of one
 * build publish the same. A provider whose document is still being fetched is passed over until it is in; one whose
 * document cannot be fetched or verified is passed over (and logged), and tried again when its record changes.
 */
public final class MeshToolCatalog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MeshToolCatalog.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(30);
    private static final Comparator<NodeRecord> BY_HOSTNAME = Comparator.comparing(NodeRecord::hostname)
            .thenComparing(record -> record.address().toString());

    private final Supplier<DirectoryClient> directory;
    private final PilotClient client;
    private final JsonMapper mapper;
    private final ToolSelection selection;
    private final List<MeshToolListener> listeners = new CopyOnWriteArrayList<>();

    // Guarded by this.
    private final Map<PilotAddress, NodeRecord> records = new HashMap<>();
    private final Map<PilotAddress, Set<String>> heardFrom = new HashMap<>();
    private final Map<String, Map<PilotAddress, NodeRecord>> providers = new HashMap<>();
    private final Map<String, CompletableFuture<ToolDefinition>> definitions = new HashMap<>();
    private final Map<String, Entry> tools = new TreeMap<>();
    private final List<DirectoryClient.WatchHandle> watches = new ArrayList<>();
    private CompletableFuture<List<MeshTool>> ready;
    private boolean closed;
    private long version;

    private final Object notifications = new Object();
    // Guarded by notifications.
    private long delivered;

    /** A listed tool and what calling it needs. */
    private record Entry(MeshTool tool, ToolInput input) {
    }

    /**
     * @param directory the agent's directory client (asked for at first use, when the agent runs)
     * @param client calls the capabilities
     * @param mapper reads and writes the arguments and replies
     * @param selection which capabilities are tools
     */
    public MeshToolCatalog(Supplier<DirectoryClient> directory, PilotClient client, JsonMapper mapper, ToolSelection selection) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.client = Objects.requireNonNull(client, "client");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.selection = Objects.requireNonNull(selection, "selection");
    }

    public ToolSelection selection() {
        return selection;
    }

    /**
     * The tools offered now, sorted by name; never blocks (the first use starts following the mesh, see {@link #ready}).
     *
     * @throws IllegalStateException while the agent is not running (before its start, after its stop)
     */
    public List<MeshTool> tools() {
        open();
        synchronized (this) {
            return listing();
        }
    }

    /** The tool of this name, if offered now. */
    public Optional<MeshTool> tool(String name) {
        open();
        synchronized (this) {
            return Optional.ofNullable(tools.get(name)).map(Entry::tool);
        }
    }

    /**
     * Starts following the mesh if it has not yet; completes with the tools once the directory's current records are
     * in and their definitions resolved: what to wait for before the first listing at start-up.
     *
     * @throws IllegalStateException while the agent is not running
     */
    public CompletableFuture<List<MeshTool>> ready() {
        open();
        synchronized (this) {
            return ready.copy();
        }
    }

    /** Adds a listener of changes; closing the returned handle removes it. Starts following the mesh. */
    public AutoCloseable addListener(MeshToolListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        open();
        return () -> listeners.remove(listener);
    }

    /**
     * Calls a tool: its capability by anycast (among the selected groups' members when the selection names groups),
     * with {@code jsonArguments} as the tool's arguments; answers the reply as JSON text ({@code null} for a
     * capability that answers nothing).
     *
     * @throws MeshToolException for an unknown tool, arguments that are not JSON or break its schema (nothing sent),
     *         or the call's failure on the mesh (its code and the provider's words)
     */
    public String call(String name, String jsonArguments) {
        EventLoopThreads.refuseBlockingWait("a blocking mesh tool call");
        try {
            return callAsync(name, jsonArguments).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof MeshToolException failure ? failure : e;
        }
    }

    /** {@link #call} without blocking: the future fails with {@link MeshToolException}. */
    public CompletableFuture<String> callAsync(String name, String jsonArguments) {
        Entry entry;
        Set<String> groups;
        try {
            open();
        } catch (RuntimeException notRunning) {
            return CompletableFuture.failedFuture(new MeshToolException(name, ErrorCode.UNAVAILABLE,
                    "UNAVAILABLE: the agent is not running, so '" + name + "' cannot be called", notRunning));
        }
        synchronized (this) {
            entry = tools.get(name);
            groups = entry == null ? Set.of() : groupsProviding(entry.tool().capability());
        }
        if (entry == null) {
            return CompletableFuture.failedFuture(new MeshToolException(name, ErrorCode.NOT_FOUND,
                    "NOT_FOUND: no tool '" + name + "' is offered: no agent provides it now", null));
        }
        JsonNode argument;
        try {
            JsonNode arguments = mapper.readTree(jsonArguments == null || jsonArguments.isBlank() ? "{}" : jsonArguments);
            argument = entry.input().argument(arguments);
        } catch (JacksonException e) {
            return CompletableFuture.failedFuture(new MeshToolException(name, ErrorCode.INVALID_ARGUMENT,
                    "INVALID_ARGUMENT for '" + name + "': the arguments are not JSON: " + e.getOriginalMessage(), e));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new MeshToolException(name, ErrorCode.INVALID_ARGUMENT,
                    "INVALID_ARGUMENT for '" + name + "': " + e.getMessage(), e));
        }
        CapabilityCall call = client.capability(entry.tool().capability());
        if (!groups.isEmpty()) {
            call = call.inGroup(groups.iterator().next());
        }
        return call.callAsync(argument, JsonNode.class).handle((reply, failure) -> {
            if (failure == null) {
                return reply == null ? null : mapper.writeValueAsString(reply);
            }
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (cause instanceof PilotRemoteException remote) {
                throw MeshToolException.from(name, remote);
            }
            throw new MeshToolException(name, ErrorCode.REMOTE_FAILURE, "REMOTE_FAILURE from '" + name + "': " + cause, cause);
        });
    }

    /** Stops following the mesh; the catalog then lists nothing new. */
    @Override
    public void close() {
        List<DirectoryClient.WatchHandle> open;
        synchronized (this) {
            closed = true;
            open = List.copyOf(watches);
            watches.clear();
        }
        open.forEach(DirectoryClient.WatchHandle::close);
    }


    /** The selected groups with a member that provides {@code capability}, in name order: where an anycast goes. */
    private Set<String> groupsProviding(String capability) {
        Set<String> groups = new TreeSet<>();
        for (NodeRecord record : providers.getOrDefault(capability, Map.of()).values()) {
            record.groups().stream().filter(selection.groups()::contains).forEach(groups::add);
        }
        return groups;
    }

    private synchronized void open() {
        if (ready != null || closed) {
            return;
        }
        DirectoryClient client = directory.get(); // throws while the agent is not running: the next use tries again
        ready = new CompletableFuture<>();
        List<CompletableFuture<?>> opened = new ArrayList<>();
        if (selection.groups().isEmpty()) {
            opened.add(watch(client, Query.ALL, "", FIRST_RETRY));
        } else {
            selection.groups().stream().sorted().forEach(group -> opened.add(watch(client, Query.GROUP, group, FIRST_RETRY)));
        }
        CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new))
                .thenCompose(ignored -> pendingDefinitions())
                .whenComplete((ignored, failure) -> {
                    synchronized (this) {
                        ready.complete(listing());
                    }
                });
    }

    /** Opens one watch, trying again with growing waits while the backbone cannot be reached; completes once it is open. */
    private CompletableFuture<Void> watch(DirectoryClient client, Query query, String value, Duration wait) {
        String source = query + ":" + value;
        return client.watch(query, value, new Source(source)).handle((handle, failure) -> {
            synchronized (this) {
                if (failure == null) {
                    if (closed) {
                        handle.close();
                    } else {
                        watches.add(handle);
                    }
                    return CompletableFuture.<Void>completedFuture(null);
                }
                if (closed) {
                    return CompletableFuture.<Void>completedFuture(null);
                }
            }
            log.warn("Pilot tools: cannot watch {} yet ({}); trying again in {} ms", source, failure.getMessage(), wait.toMillis());
            Duration next = wait.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : wait.multipliedBy(2);
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS))
                    .thenCompose(ignored -> watch(client, query, value, next));
        }).thenCompose(done -> done);
    }

    private synchronized CompletableFuture<Void> pendingDefinitions() {
        return CompletableFuture.allOf(definitions.values().stream().map(f -> f.exceptionally(e -> null))
                .toArray(CompletableFuture[]::new));
    }

    /** What one watch hears: a node in several selected groups is heard of by several. */
    private final class Source implements DirectoryClient.WatchListener {
        private final String name;

        Source(String name) {
            this.name = name;
        }

        @Override
        public void joined(NodeRecord record) {
            heard(name, record);
        }

        @Override
        public void updated(NodeRecord record) {
            heard(name, record);
        }

        @Override
        public void left(NodeRecord record) {
            gone(name, record);
        }
    }

    private void heard(String source, NodeRecord record) {
        Listing changed;
        synchronized (this) {
            changed = closed ? null : selection.selects(record) ? remember(source, record) : forget(source, record);
        }
        tell(changed);
    }

    private void gone(String source, NodeRecord record) {
        Listing changed;
        synchronized (this) {
            changed = forget(source, record);
        }
        tell(changed);
    }

    private Listing remember(String source, NodeRecord record) {
        heardFrom.computeIfAbsent(record.address(), a -> new HashSet<>()).add(source);
        NodeRecord before = records.put(record.address(), record);
        Set<String> touched = new HashSet<>();
        if (before != null) {
            touched.addAll(withdraw(before));
        }
        for (CapabilityInfo info : record.capabilities()) {
            if (selection.offers(info.name())) {
                touched.add(info.name());
                providers.computeIfAbsent(info.name(), c -> new HashMap<>()).put(record.address(), record);
                // A definition that could not be read is tried again when its provider publishes its record anew.
                CompletableFuture<ToolDefinition> known = definitions.get(ToolDefinition.key(info));
                if (known != null && known.isCompletedExceptionally()) {
                    definitions.remove(ToolDefinition.key(info));
                }
            }
        }
        return refresh(touched);
    }

    /** Forgets what {@code source} said of a node; the node goes when no watch that selects it is left. */
    private Listing forget(String source, NodeRecord record) {
        Set<String> sources = heardFrom.get(record.address());
        if (sources == null) {
            return null;
        }
        sources.remove(source);
        if (!sources.isEmpty() && selection.selects(record)) {
            return null;
        }
        heardFrom.remove(record.address());
        NodeRecord before = records.remove(record.address());
        return before == null ? null : refresh(withdraw(before));
    }

    /** Takes {@code record} out of the providers; answers the capabilities it provided. */
    private Set<String> withdraw(NodeRecord record) {
        Set<String> capabilities = new HashSet<>();
        for (CapabilityInfo info : record.capabilities()) {
            capabilities.add(info.name());
            Map<PilotAddress, NodeRecord> of = providers.get(info.name());
            if (of != null) {
                of.remove(record.address());
            }
        }
        return capabilities;
    }

    /** The tools after a change, and which change they follow. */
    private record Listing(long version, List<MeshTool> tools) {
    }

    /** Recomputes the tools of {@code capabilities}; answers the new listing if a tool's definition changed, else null. */
    private Listing refresh(Set<String> capabilities) {
        boolean changed = false;
        for (String capability : capabilities) {
            String name = ToolNames.of(capability);
            Entry before = tools.get(name);
            Entry after = entry(capability);
            if (after == null) {
                tools.remove(name);
            } else {
                tools.put(name, after);
            }
            changed |= before == null ? after != null : !before.tool().sameDefinition(after == null ? null : after.tool());
        }
        if (!changed) {
            return null;
        }
        return new Listing(++version, listing());
    }

    /** The tool of {@code capability} now, or null while it has no provider or no definition resolved yet. */
    private Entry entry(String capability) {
        Map<PilotAddress, NodeRecord> of = providers.getOrDefault(capability, Map.of());
        if (of.isEmpty()) {
            providers.remove(capability);
            definitions.keySet().removeIf(key -> key.startsWith(capability + '\n'));
            return null;
        }
        List<NodeRecord> sorted = of.values().stream().sorted(BY_HOSTNAME).toList();
        List<String> hostnames = sorted.stream().map(NodeRecord::hostname).toList();
        for (NodeRecord provider : sorted) {
            CompletableFuture<ToolDefinition> definition = definition(provider, capability);
            // One on its way is passed over meanwhile (a new replica's schema does not hide the tool while it is
            // fetched); its completion refreshes the tool.
            if (definition.isDone() && !definition.isCompletedExceptionally()) {
                ToolDefinition d = definition.join();
                MeshTool tool = new MeshTool(ToolNames.of(capability), capability, d.description(),
                        mapper.writeValueAsString(d.input().schema()), d.outputSchema(), d.published(), hostnames);
                return new Entry(tool, d.input());
            }
        }
        return null;
    }

    /** The definition {@code provider} publishes for {@code capability}, resolved once per distinct definition. */
    private CompletableFuture<ToolDefinition> definition(NodeRecord provider, String capability) {
        CapabilityInfo info = provider.capabilities().stream().filter(c -> c.name().equals(capability)).findFirst().orElseThrow();
        String key = ToolDefinition.key(info);
        CompletableFuture<ToolDefinition> known = definitions.get(key);
        if (known != null) {
            return known;
        }
        CompletableFuture<ToolDefinition> resolving;
        try {
            resolving = directory.get().schema(provider, capability).thenApply(schema -> definitionOf(info, schema));
        } catch (RuntimeException e) {
            resolving = CompletableFuture.failedFuture(e);
        }
        definitions.put(key, resolving);
        CompletableFuture<ToolDefinition> resolved = resolving;
        // Async: never run inline under this catalog's lock (a listener told from there could deadlock).
        resolving.whenCompleteAsync((definition, failure) -> {
            if (failure != null) {
                log.warn("Pilot tools: the schemas of '{}' from {} cannot be read: {}", capability, provider.hostname(),
                        failure.getMessage());
            }
            Listing changed;
            synchronized (this) {
                changed = definitions.get(key) == resolved ? refresh(Set.of(capability)) : null;
            }
            tell(changed);
        });
        return resolving;
    }

    private ToolDefinition definitionOf(CapabilityInfo info, Optional<CapabilitySchema> schema) {
        return new ToolDefinition(info.description().orElse(""), ToolInput.of(schema, mapper),
                schema.map(CapabilitySchema::output).orElse("{}"), schema.isPresent());
    }

    private List<MeshTool> listing() {
        return tools.values().stream().map(Entry::tool).toList();
    }

    /** Tells the listeners a listing, unless a newer one was told already. Never called under this catalog's lock. */
    private void tell(Listing changed) {
        if (changed == null) {
            return;
        }
        synchronized (notifications) {
            if (changed.version() <= delivered) {
                return;
            }
            delivered = changed.version();
            for (MeshToolListener listener : listeners) {
                try {
                    listener.toolsChanged(changed.tools());
                } catch (RuntimeException e) {
                    log.warn("Pilot tools: a listener failed", e);
                }
            }
        }
    }
}

package io.pilot.engine.control;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.address.Ports;
import io.pilot.engine.directory.CapabilityInfo;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.SkillSearch;
import io.pilot.engine.group.AnycastReply;
import io.pilot.engine.group.GroupMessaging;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.schema.CapabilitySchema;
import io.pilot.engine.schema.SchemaException;
import io.pilot.engine.schema.Violation;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code describe} (who provides a capability, its description and schemas) and {@code call} (a capability, by
 * anycast or on one host, with a JSON argument checked against the provider's input schema before it is sent), as
 * {@code grpcurl} does for gRPC. A call's argument and reply are JSON; the capability protocol is the Spring
 * starter's: a request to {@link Ports#CAPABILITIES} with the name in the {@code capability} header.
 */
final class CapabilityCommands {

    private static final String JSON = "application/json";

    private final PilotNode node;
    private final Supplier<DirectoryClient> directory;
    private final GroupMessaging groups;
    private final Completion completion;

    CapabilityCommands(PilotNode node, Supplier<DirectoryClient> directory, GroupMessaging groups, Completion completion) {
        this.node = node;
        this.directory = directory;
        this.groups = groups;
        this.completion = completion;
    }

    ObjectNode describe(Arguments args) {
        DirectoryClient client = directory.get();
        String capability = args.string("capability");
        List<NodeRecord> providers = completion.await(client.find(capability));
        if (providers.isEmpty()) {
            throw new ControlException(ControlError.NOT_FOUND, "no node provides '" + capability + "'");
        }
        ObjectNode data = Json.object().put("capability", capability);
        ArrayNode array = data.putArray("providers");
        for (NodeRecord provider : providers) {
            ObjectNode entry = array.addObject().put("hostname", provider.hostname())
                    .put("address", provider.address().toString());
            CapabilityInfo info = info(provider, capability);
            entry.put("description", info.description().orElse(null));
            try {
                Optional<CapabilitySchema> schema = completion.await(client.schema(provider, capability));
                schema.ifPresent(s -> setSchemas(entry, s));
                entry.put("schema", schema.isPresent() ? "published" : "none");
            } catch (ControlException | SchemaException unusable) {
                entry.put("schema", "unavailable").put("schemaError", unusable.getMessage());
            }
        }
        // The first provider that published them describes the capability: replicas publish the same.
        for (JsonNode entry : array) {
            if (entry.has("input")) {
                data.put("description", entry.path("description").asString(null));
                data.set("input", entry.get("input"));
                data.set("output", entry.get("output"));
                break;
            }
        }
        return data;
    }

    /** The skills (capabilities) a name or glob selects, with their descriptions and providers. */
    ObjectNode skills(Arguments args) {
        SkillSearch search;
        try {
            search = SkillSearch.of(args.string("pattern"), args.optionalString("about").orElse(null));
        } catch (IllegalArgumentException e) {
            throw new ControlException(ControlError.BAD_REQUEST, e.getMessage());
        }
        ObjectNode data = Json.object().put("search", search.toString());
        ArrayNode array = data.putArray("skills");
        for (SkillSearch.Skill skill : completion.await(directory.get().skills(search))) {
            array.addObject().put("skill", skill.name()).put("description", skill.description())
                    .put("schema", skill.hasSchema()).put("hostname", skill.provider().hostname())
                    .put("address", skill.provider().address().toString());
        }
        return data;
    }

    ObjectNode call(Arguments args) {
        DirectoryClient client = directory.get();
        String capability = args.string("capability");
        byte[] argument = args.string("argument").getBytes(StandardCharsets.UTF_8);
        parse(argument);
        Optional<String> hostname = args.optionalString("hostname");
        NodeRecord target = hostname.isPresent() ? completion.await(client.lookup(hostname.get())) : null;
        if (target != null && !target.hasCapability(capability)) {
            throw new ControlException(ControlError.NOT_FOUND, hostname.get() + " does not provide '" + capability + "'");
        }
        List<NodeRecord> candidates = target != null ? List.of(target) : completion.await(client.providers(capability));
        if (candidates.isEmpty()) {
            throw new ControlException(ControlError.NOT_FOUND, "no node provides '" + capability + "'");
        }
        boolean checked = check(client, candidates.get(0), capability, argument);
        Message request = Message.of(argument).with(Headers.CAPABILITY, capability).with(Headers.CONTENT_TYPE, JSON);
        Message reply;
        NodeRecord provider;
        try {
            if (target != null) {
                reply = completion.await(node.request(new PilotSocketAddress(target.address(), Ports.CAPABILITIES), request));
                provider = target;
            } else {
                if (groups == null) {
                    throw new ControlException(ControlError.UNAVAILABLE, "this node has no group messaging (it needs a backbone)");
                }
                AnycastReply answer = completion.await(groups.anycast(capability, Ports.CAPABILITIES, request));
                reply = answer.reply();
                provider = answer.member();
            }
        } catch (ControlException e) {
            throw e.getCause() instanceof PilotException remote && remote.reply() != null ? refused(capability, remote) : e;
        }
        ObjectNode data = Json.object().put("capability", capability).put("hostname", provider.hostname())
                .put("address", provider.address().toString()).put("checkedAgainstSchema", checked);
        data.set("reply", reply.body().length == 0 ? null : parseReply(reply.body()));
        return data;
    }

    /**
     * Checks the argument against the input schema the provider published, if it published one and it can be read
     * (else the provider checks it itself); a violation is the caller's mistake, BAD_REQUEST, nothing is sent.
     */
    private boolean check(DirectoryClient client, NodeRecord provider, String capability, byte[] argument) {
        Optional<CapabilitySchema> schema;
        try {
            schema = completion.await(client.schema(provider, capability));
        } catch (ControlException | SchemaException unknown) {
            return false;
        }
        if (schema.isEmpty()) {
            return false;
        }
        List<Violation> violations = schema.get().validate(argument);
        if (!violations.isEmpty()) {
            throw new ControlException(ControlError.BAD_REQUEST, "the argument does not match the input schema of '"
                    + capability + "': " + String.join("; ", violations.stream().map(Violation::toString).toList()));
        }
        return true;
    }

    /** A typed error answered by the capability: its code and the detail of its problem document. */
    private static ControlException refused(String capability, PilotException remote) {
        String detail = remote.getMessage();
        JsonNode problem = parseQuietly(remote.reply().body());
        if (problem != null && problem.path("detail").isString()) {
            detail = problem.path("detail").asString();
            StringBuilder fields = new StringBuilder();
            for (JsonNode error : problem.path("errors")) {
                fields.append(fields.isEmpty() ? " [" : "; ").append(error.path("field").asString()).append(": ")
                        .append(error.path("message").asString()).append(" (").append(error.path("rule").asString()).append(')');
            }
            detail += fields.isEmpty() ? "" : fields + "]";
        }
        return new ControlException(ControlError.CAPABILITY_ERROR, remote.code() + " from '" + capability + "': " + detail, remote);
    }

    private static CapabilityInfo info(NodeRecord provider, String capability) {
        return provider.capabilities().stream().filter(c -> c.name().equals(capability)).findFirst().orElseThrow();
    }

    private static void setSchemas(ObjectNode entry, CapabilitySchema schema) {
        entry.set("input", Json.MAPPER.readTree(schema.input()));
        entry.set("output", Json.MAPPER.readTree(schema.output()));
    }

    private static void parse(byte[] argument) {
        try {
            Json.MAPPER.readTree(argument);
        } catch (JacksonException e) {
            throw new ControlException(ControlError.BAD_REQUEST, "the argument is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The reply as JSON, or as text if a provider answered something else. */
    private static JsonNode parseReply(byte[] body) {
        JsonNode json = parseQuietly(body);
        return json != null ? json : Json.MAPPER.getNodeFactory().stringNode(new String(body, StandardCharsets.UTF_8));
    }

    private static JsonNode parseQuietly(byte[] body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            return null;
        }
    }
}

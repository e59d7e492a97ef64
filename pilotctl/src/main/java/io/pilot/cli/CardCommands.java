package io.pilot.cli;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.card.AgentCardVerifier;
import io.pilot.engine.card.CardException;
import io.pilot.engine.card.CardSignature;
import io.pilot.engine.card.KeyDirectory;
import io.pilot.engine.card.MeshExtension;
import io.pilot.engine.identity.NodeKey;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** A2A's view of the mesh: {@code skills} (the directory searched by skill) and {@code card} (an agent card, verified). */
final class CardCommands {

    private CardCommands() {
    }

    @Command(name = "skills", description = "Search the directory by skill (capability): a name, or a glob such as 'papers.*'.")
    static final class Skills implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "PATTERN", description = "A capability name, or a glob where * is any run of characters.")
        String pattern;

        @Option(names = "--about", paramLabel = "WORDS", description = "Only skills whose description holds all these words.")
        String about;

        @Override
        public Integer call() {
            PilotCtl ctl = PilotCtl.of(spec);
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("pattern", pattern);
            if (about != null) {
                args.put("about", about);
            }
            return ctl.call("skills", args, data -> {
                for (JsonNode skill : data.path("skills")) {
                    ctl.out.printf("%-28s %-20s %s  %s%n", skill.path("skill").asString(), skill.path("hostname").asString(),
                            skill.path("address").asString(), skill.path("description").asString());
                }
                if (data.path("skills").isEmpty()) {
                    ctl.out.println("(none)");
                }
            });
        }
    }

    @Command(name = "card", description = "Fetch an agent's A2A card over HTTP(S) and verify its signature with the agent's key in the directory.")
    static final class Card implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "URL", description = "The agent's web address (its /.well-known/agent-card.json is read) or the card's own.")
        String url;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "For fetching the card (default 10).")
        int timeoutSeconds;

        @Override
        public Integer call() {
            PilotCtl ctl = PilotCtl.of(spec);
            if (timeoutSeconds <= 0) {
                return ctl.usage("--timeout must be a positive number of seconds", "e.g. --timeout 10");
            }
            JsonNode card;
            try {
                card = new AgentCardVerifier(null, Duration.ofSeconds(timeoutSeconds)).fetch(url);
            } catch (IllegalArgumentException e) {
                return ctl.usage(e.getMessage(), "e.g. pilotctl card http://localhost:8080");
            } catch (CardException e) {
                return ctl.fail("CARD_UNAVAILABLE", e.getMessage(), "is the agent's web server up at that address?", PilotCtl.NODE_ERROR);
            }
            String hostname = MeshExtension.params(card).map(p -> p.path("hostname").asString(null)).orElse(null);
            KeyDirectory.Listing listed;
            try {
                listed = hostname == null ? null : lookUp(ctl, hostname);
            } catch (CliException e) {
                return ctl.fail(e);
            }
            try {
                CardSignature.verify(card, name -> {
                    if (listed == null || !listed.hostname().equals(name)) {
                        throw new CardException("no live node is called '" + name + "'");
                    }
                    return listed;
                });
            } catch (CardException e) {
                return ctl.fail("CARD_REFUSED", e.getMessage(), "do not trust this card", PilotCtl.NODE_ERROR);
            }
            if (ctl.json) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("verified", true);
                data.put("hostname", listed.hostname());
                data.put("address", listed.address().toString());
                data.put("card", card);
                ctl.printOk(data);
                return PilotCtl.OK;
            }
            ctl.out.printf("✓ %s %s: the card of %s (%s), signed with its key in the directory%n", card.path("name").asString(),
                    card.path("version").asString(), listed.hostname(), listed.address());
            ctl.out.println(card.path("description").asString());
            ctl.out.println("skills:");
            for (JsonNode skill : card.path("skills")) {
                ctl.out.printf("  %-28s %s%n", skill.path("id").asString(), skill.path("description").asString());
            }
            return PilotCtl.OK;
        }

        /** The node's record as the local node's directory client has it (hostname, address, key); null if none. */
        private static KeyDirectory.Listing lookUp(PilotCtl ctl, String hostname) throws CliException {
            Path path = SocketLocator.locate(ctl.socket, ctl.node);
            JsonNode answer;
            try {
                answer = ControlConnection.request(path, "find", Map.of("hostname", hostname), progress -> { });
            } catch (IOException e) {
                throw new CliException("NO_NODE", "cannot reach the node at " + path + ": " + e.getMessage(),
                        "is it running? check with: pilotctl daemon status", PilotCtl.NO_NODE);
            }
            if ("NOT_FOUND".equals(answer.path("code").asString())) {
                return null; // the card's verification says so, in its words
            }
            if (!"ok".equals(answer.path("status").asString())) {
                throw new CliException(answer.path("code").asString(), "cannot look " + hostname + " up: "
                        + answer.path("message").asString(), answer.path("hint").asString(), PilotCtl.NODE_ERROR);
            }
            JsonNode record = answer.path("data").path("records").get(0);
            return new KeyDirectory.Listing(record.path("hostname").asString(),
                    PilotAddress.parse(record.path("address").asString()), NodeKey.parse(record.path("key").asString()));
        }
    }
}

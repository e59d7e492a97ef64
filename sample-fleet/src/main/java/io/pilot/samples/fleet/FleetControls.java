package io.pilot.samples.fleet;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * What the demo's controls do to the running fleet ({@link FleetControlServer} serves them): every request is
 * checked first, and one that cannot be carried out throws {@link IllegalArgumentException} before anything
 * changes. The coordinator is never stopped or impaired from here: it serves the page and hosts the backbone.
 */
public final class FleetControls {

    private final Fleet fleet;
    private final Map<String, Double> lossPercent = new ConcurrentHashMap<>();

    public FleetControls(Fleet fleet) {
        this.fleet = fleet;
    }

    /** The running agents, as JSON. */
    public String agentsJson() {
        return fleet.agents().values().stream().map(agent -> "{\"name\":" + quote(agent.name()) + ",\"pid\":" + agent.pid()
                + ",\"alive\":" + agent.isAlive() + ",\"coordinator\":" + (agent == fleet.coordinator())
                + ",\"lossPercent\":" + lossPercent.getOrDefault(agent.name(), 0.0) + "}")
                .collect(Collectors.joining(",", "{\"enabled\":true,\"agents\":[", "]}"));
    }

    /** Stops a specialist as an operator would (SIGTERM: it leaves the backbone, then exits). */
    public String stop(String name) {
        AgentProcess agent = specialist(name);
        fleet.stop(agent);
        lossPercent.remove(name);
        return "{\"stopped\":" + quote(name) + "}";
    }

    /** Starts one more specialist of {@code profile} under the next free name ({@code specialist-fx-2}, …), healthy when this returns. */
    public String startSpecialist(String profile) {
        if (profile == null || !Fleet.PROFILES.contains(profile)) {
            throw new IllegalArgumentException("profile must be one of " + String.join(", ", Fleet.PROFILES) + ", was "
                    + (profile == null ? "missing" : "'" + profile + "'"));
        }
        String name = nextName("specialist-" + profile);
        AgentProcess agent = fleet.launchSpecialist(profile, name, freePort());
        try {
            fleet.awaitHealthy(agent);
        } catch (RuntimeException e) {
            fleet.stop(agent);
            throw e;
        }
        return "{\"started\":" + quote(name) + "}";
    }

    /** Sets the share of a specialist's datagrams its link loses, both ways, on the running node. */
    public String setLoss(String name, String percentText) {
        double percent = percent(percentText);
        AgentProcess agent = specialist(name);
        fleet.post(agent, "/actuator/linkloss", "{\"percent\":" + percent + "}");
        lossPercent.put(name, percent);
        return "{\"agent\":" + quote(name) + ",\"lossPercent\":" + percent + "}";
    }

    static double percent(String text) {
        try {
            double percent = text == null ? Double.NaN : Double.parseDouble(text.trim());
            if (percent >= 0 && percent < 100) {
                return percent;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("loss must be a percentage from 0 up to (not including) 100, was "
                + (text == null ? "missing" : "'" + text + "'"));
    }

    private AgentProcess specialist(String name) {
        AgentProcess agent = fleet.agents().get(name);
        if (agent == null) {
            throw new IllegalArgumentException("unknown agent '" + name + "'; running: "
                    + String.join(", ", fleet.agents().keySet()));
        }
        if (agent == fleet.coordinator()) {
            throw new IllegalArgumentException("the coordinator serves this page and hosts the backbone: only "
                    + "specialists can be stopped or impaired here (Ctrl-C stops the whole fleet)");
        }
        return agent;
    }

    private String nextName(String base) {
        int n = 2;
        while (fleet.agents().containsKey(base + "-" + n)) {
            n++;
        }
        return base + "-" + n;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free TCP port for a new specialist: " + e.getMessage(), e);
        }
    }

    /** A query string's parameters, decoded; the last of a repeated one wins. */
    static Map<String, String> query(String raw) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int equals = pair.indexOf('=');
                String key = equals < 0 ? pair : pair.substring(0, equals);
                String value = equals < 0 ? "" : pair.substring(equals + 1);
                parameters.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
        }
        return parameters;
    }

    /** {@code text} as a JSON string. */
    static String quote(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }
}

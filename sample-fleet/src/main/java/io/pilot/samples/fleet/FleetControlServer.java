package io.pilot.samples.fleet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's control API, on loopback only, for the coordinator's page to prove the README's claims with: list the
 * agents, stop a specialist (SIGTERM, as an operator would), start another fx specialist, set loss on a specialist's
 * link. One request at a time: a start waits until the new agent is healthy. Answers JSON; a request it cannot take
 * (an unknown agent, the coordinator, a loss outside 0–100 %) is answered 400 with the reason and changes nothing.
 *
 * <pre>
 * GET  /agents                               {"enabled":true,"agents":[{"name":…,"pid":…,"alive":…,"lossPercent":…}]}
 * POST /agents/NAME/stop                     {"stopped":"NAME"}
 * POST /specialists?profile=fx               {"started":"specialist-fx-2"}
 * POST /agents/NAME/loss?percent=P           {"agent":"NAME","lossPercent":P}
 * </pre>
 */
public final class FleetControlServer implements AutoCloseable {

    private static final Pattern AGENT_OP = Pattern.compile("/agents/([^/]+)/(stop|loss)");

    private final FleetControls controls;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(
            runnable -> {
                Thread thread = new Thread(runnable, "fleet-control");
                thread.setDaemon(true);
                return thread;
            });

    /** Binds an ephemeral port on loopback and serves {@code controls}. */
    public FleetControlServer(FleetControls controls) throws IOException {
        this.controls = controls;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Where it listens, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = FleetControls.query(exchange.getRequestURI().getRawQuery());
            String method = exchange.getRequestMethod();
            Matcher agentOp = AGENT_OP.matcher(path);
            try {
                if (path.equals("/agents") && method.equals("GET")) {
                    reply(exchange, 200, controls.agentsJson());
                } else if (path.equals("/specialists") && method.equals("POST")) {
                    reply(exchange, 200, controls.startSpecialist(query.get("profile")));
                } else if (agentOp.matches() && method.equals("POST")) {
                    String agent = agentOp.group(1);
                    reply(exchange, 200, agentOp.group(2).equals("stop") ? controls.stop(agent)
                            : controls.setLoss(agent, query.get("percent")));
                } else {
                    reply(exchange, 404, error("no such control: " + method + " " + path));
                }
            } catch (IllegalArgumentException e) {
                reply(exchange, 400, error(e.getMessage()));
            } catch (RuntimeException e) {
                reply(exchange, 500, error(e.getMessage()));
            }
        }
    }

    static String error(String message) {
        return "{\"error\":" + FleetControls.quote(String.valueOf(message)) + "}";
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

package io.pilot.engine.backbone;

import io.pilot.engine.address.HostPort;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.netty.util.concurrent.DefaultThreadFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.json.JsonMapper;

/**
 * A standalone backbone's status over HTTP ({@code BackboneMain --http-bind}): {@code GET /} the page,
 * {@code GET /status.json} its JSON. Read-only and small: the JDK's own HTTP server on one thread. An unknown
 * path is answered 404, another method than GET or HEAD 405, and a failure while answering 500, each with a
 * JSON error: never a stack trace to the client.
 */
public final class BackboneStatusServer implements AutoCloseable {

    /** Where the JSON is, relative to the page. */
    public static final String JSON_PATH = "/status.json";

    private static final Logger log = LoggerFactory.getLogger(BackboneStatusServer.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final ExecutorService executor;
    private final BackboneStatus status;
    private final byte[] page;

    private BackboneStatusServer(HttpServer server, BackboneStatus status) {
        this.server = server;
        this.status = status;
        this.page = BackboneStatusPage.html(JSON_PATH.substring(1)).getBytes(StandardCharsets.UTF_8);
        this.executor = Executors.newSingleThreadExecutor(new DefaultThreadFactory("pilot-status-http", true));
        server.setExecutor(executor);
        server.createContext("/", this::answer);
        server.start();
    }

    /**
     * Serves {@code status} on {@code bind}.
     *
     * @throws UncheckedIOException if the address cannot be bound (taken, not local)
     */
    public static BackboneStatusServer start(BackboneStatus status, InetSocketAddress bind) {
        try {
            return new BackboneStatusServer(HttpServer.create(bind, 16), status);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the status page on " + HostPort.format(bind) + ": " + e.getMessage(), e);
        }
    }

    /** Where it listens (the port chosen when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The page's URL, with loopback for a wildcard bind: {@code http://127.0.0.1:8080/}. */
    public String url() {
        return "http://" + HostPort.format(HostPort.reachable(address())) + "/";
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            boolean known = "/".equals(path) || JSON_PATH.equals(path);
            if (!known) {
                error(exchange, 404, "no such page: " + path + " (the status is at / and " + JSON_PATH + ")");
            } else if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                error(exchange, 405, "method " + method + " not allowed: the status is read with GET");
            } else if ("/".equals(path)) {
                send(exchange, 200, "text/html; charset=utf-8", page);
            } else {
                send(exchange, 200, "application/json", JSON.writeValueAsBytes(status.snapshot()));
            }
        } catch (RuntimeException e) {
            log.warn("status request failed", e);
            error(exchange, 500, "the status could not be read; see the backbone's log");
        }
    }

    private static void error(HttpExchange exchange, int code, String message) throws IOException {
        send(exchange, code, "application/json", JSON.writeValueAsBytes(Map.of("status", code, "error", message)));
    }

    private static void send(HttpExchange exchange, int code, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(code, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

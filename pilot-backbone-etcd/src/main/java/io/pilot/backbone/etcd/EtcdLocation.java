package io.pilot.backbone.etcd;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.pilot.engine.address.HostPort;

/**
 * Where the directory's etcd is and how to reach it, parsed from one URL so that the CLI's {@code --store} and
 * the Spring property carry the same text:
 * <pre>
 * etcd://HOST:PORT[,HOST:PORT...][?option=value&amp;...]
 *   ca=FILE         PEM CA certificate: TLS to etcd (https), the server's certificate checked against it
 *   cert=FILE       PEM client certificate (with key=): TLS client authentication
 *   key=FILE        PEM PKCS#8 private key of cert=
 *   user=NAME       etcd user; the password from password-file=FILE (its first line) or PILOT_ETCD_PASSWORD
 *   timeout-ms=N    how long one etcd call may take (default 5000)
 * </pre>
 * The password is never taken from the URL itself: a command line is readable by every user of the machine.
 */
record EtcdLocation(List<String> endpoints, Path ca, Path cert, Path key, String user, String password, Duration timeout) {

    static final String PASSWORD_VARIABLE = "PILOT_ETCD_PASSWORD";
    private static final String SCHEME = "etcd://";

    /** @throws IllegalArgumentException naming what is wrong with the URL or a file it names */
    static EtcdLocation parse(String url, Map<String, String> environment) {
        if (url == null || !url.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw new IllegalArgumentException("an etcd store is named etcd://HOST:PORT[,HOST:PORT...], not '" + url + "'");
        }
        String rest = url.substring(SCHEME.length());
        int query = rest.indexOf('?');
        String hosts = query < 0 ? rest : rest.substring(0, query);
        if (hosts.endsWith("/")) {
            hosts = hosts.substring(0, hosts.length() - 1);
        }
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("etcd store URL '" + url + "' names no HOST:PORT");
        }
        Path ca = null;
        Path cert = null;
        Path key = null;
        String user = null;
        String password = null;
        Duration timeout = Duration.ofSeconds(5);
        if (query >= 0) {
            for (String pair : rest.substring(query + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("etcd store option '" + pair + "' is not NAME=VALUE");
                }
                String name = pair.substring(0, eq);
                String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                switch (name) {
                    case "ca" -> ca = readable(name, value);
                    case "cert" -> cert = readable(name, value);
                    case "key" -> key = readable(name, value);
                    case "user" -> user = value;
                    case "password-file" -> password = firstLine(readable(name, value));
                    case "timeout-ms" -> timeout = Duration.ofMillis(positive(name, value));
                    default -> throw new IllegalArgumentException("unknown etcd store option '" + name
                            + "' (known: ca, cert, key, user, password-file, timeout-ms)");
                }
            }
        }
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("etcd store options cert= and key= go together");
        }
        if (user != null && password == null) {
            password = environment.get(PASSWORD_VARIABLE);
            if (password == null) {
                throw new IllegalArgumentException("etcd user '" + user + "' needs a password: password-file=FILE or "
                        + PASSWORD_VARIABLE);
            }
        }
        List<String> endpoints = new ArrayList<>();
        String scheme = ca != null ? "https://" : "http://";
        for (String hostPort : hosts.split(",")) {
            try {
                endpoints.add(scheme + HostPort.format(HostPort.parse(hostPort.trim())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("etcd endpoint '" + hostPort + "' in '" + url + "' is not HOST:PORT: "
                        + e.getMessage(), e);
            }
        }
        return new EtcdLocation(List.copyOf(endpoints), ca, cert, key, user, password, timeout);
    }

    /** The endpoints as an operator reads them in an error. */
    String describe() {
        return String.join(",", endpoints);
    }

    private static Path readable(String option, String value) {
        Path path = Path.of(value);
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException("etcd store option " + option + "=" + value + ": no readable file there");
        }
        return path;
    }

    private static String firstLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || lines.get(0).isEmpty()) {
                throw new IllegalArgumentException("etcd password file " + file + " is empty");
            }
            return lines.get(0);
        } catch (IOException e) {
            throw new IllegalArgumentException("etcd password file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static long positive(String option, String value) {
        try {
            long number = Long.parseLong(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("etcd store option " + option + "=" + value + " is not a positive number");
    }
}

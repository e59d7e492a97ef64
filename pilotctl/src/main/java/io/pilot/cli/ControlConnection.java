package io.pilot.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One request to a node's control socket ({@code docs/CONTROL.md}): writes the request line, hands every
 * progress line to a consumer, and returns the final line.
 */
final class ControlConnection {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private ControlConnection() {
    }

    /**
     * @throws IOException if the socket cannot be reached (no node, or a stale file)
     */
    static JsonNode request(Path socket, String command, Map<String, Object> args, Consumer<JsonNode> progress)
            throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer line = ByteBuffer.wrap((JSON.writeValueAsString(Map.of("command", command, "args", args)) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            while (line.hasRemaining()) {
                channel.write(line);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.UTF_8));
            String text;
            while ((text = reader.readLine()) != null) {
                JsonNode answer = JSON.readTree(text);
                if (!"progress".equals(answer.path("status").asString())) {
                    return answer;
                }
                progress.accept(answer.path("data"));
            }
        }
        throw new IOException("the node closed the control connection without an answer");
    }
}

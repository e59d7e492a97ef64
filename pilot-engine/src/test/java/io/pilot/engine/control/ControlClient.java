package io.pilot.engine.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What pilotctl will do, reduced to the protocol: send bytes, read the JSON lines until the server hangs up. */
final class ControlClient {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private ControlClient() {
    }

    /** Sends {@code request} and its newline; every line of the answer. */
    static List<JsonNode> call(Path socket, String request) {
        return send(socket, (request + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The final line of the answer to {@code request}. */
    static JsonNode last(Path socket, String request) {
        List<JsonNode> lines = call(socket, request);
        return lines.get(lines.size() - 1);
    }

    /** Sends exactly {@code bytes}, keeping the connection open for writing; every line of the answer. */
    static List<JsonNode> send(Path socket, byte[] bytes) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.UTF_8));
            List<JsonNode> lines = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(MAPPER.readTree(line));
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request whose answer is read line by line as it streams, for commands that run until stopped. */
    static Stream open(Path socket, String request) {
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            return new Stream(channel);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An open control connection; closing it is the client hanging up. */
    static final class Stream implements AutoCloseable {
        private final SocketChannel channel;
        private final BufferedReader reader;

        private Stream(SocketChannel channel) {
            this.channel = channel;
            this.reader = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        }

        /** The next line of the answer; null once the server hung up. */
        JsonNode next() {
            try {
                String line = reader.readLine();
                return line == null ? null : MAPPER.readTree(line);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}

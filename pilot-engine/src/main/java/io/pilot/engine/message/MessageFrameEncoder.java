package io.pilot.engine.message;


import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes a {@link MessageFrame}:
 * <pre>
 * kind u8 | header_count u8 | header* | body_length u32 | body
 * header = name_length u8 | name (ASCII) | value_length u16 | value (UTF-8)
 * </pre>
 * The body is not copied: the result is the prelude and a view of the body.
 */
public final class MessageFrameEncoder {

    private MessageFrameEncoder() {
    }

    public static ByteBuffer[] encode(MessageFrame frame) {
        Message message = frame.message();
        int size = 1 + 1 + 4;
        byte[][] encoded = new byte[message.headers().size() * 2][];
        int i = 0;
        for (Map.Entry<String, String> header : message.headers().entrySet()) {
            encoded[i] = header.getKey().getBytes(StandardCharsets.US_ASCII);
            encoded[i + 1] = header.getValue().getBytes(StandardCharsets.UTF_8);
            size += 1 + encoded[i].length + 2 + encoded[i + 1].length;
            i += 2;
        }
        ByteBuffer prelude = ByteBuffer.allocate(size);
        prelude.put((byte) frame.kind().wire).put((byte) message.headers().size());
        for (int h = 0; h < encoded.length; h += 2) {
            prelude.put((byte) encoded[h].length).put(encoded[h]).putShort((short) encoded[h + 1].length).put(encoded[h + 1]);
        }
        prelude.putInt(message.body().length).flip();
        return new ByteBuffer[] {prelude, ByteBuffer.wrap(message.body())};
    }
}

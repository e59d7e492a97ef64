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
        Map<String, String> headers = message.headers();
        int size = 1 + 1 + 4;
        // Values are nearly always ASCII (ids, deadlines, trace context): those are written char by char, without
        // a byte array each; only others are encoded as UTF-8 first. Names are ASCII by construction.
        byte[][] utf8 = null;
        int i = 0;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String value = header.getValue();
            int valueLength;
            if (isAscii(value)) {
                valueLength = value.length();
            } else {
                if (utf8 == null) {
                    utf8 = new byte[headers.size()][];
                }
                utf8[i] = value.getBytes(StandardCharsets.UTF_8);
                valueLength = utf8[i].length;
            }
            size += 1 + header.getKey().length() + 2 + valueLength;
            i++;
        }
        ByteBuffer prelude = ByteBuffer.allocate(size);
        prelude.put((byte) frame.kind().wire).put((byte) headers.size());
        i = 0;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String name = header.getKey();
            prelude.put((byte) name.length());
            putAscii(prelude, name);
            if (utf8 != null && utf8[i] != null) {
                prelude.putShort((short) utf8[i].length).put(utf8[i]);
            } else {
                prelude.putShort((short) header.getValue().length());
                putAscii(prelude, header.getValue());
            }
            i++;
        }
        prelude.putInt(message.body().length).flip();
        return new ByteBuffer[] {prelude, ByteBuffer.wrap(message.body())};
    }

    private static boolean isAscii(String text) {
        for (int c = 0; c < text.length(); c++) {
            if (text.charAt(c) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static void putAscii(ByteBuffer out, String text) {
        for (int c = 0; c < text.length(); c++) {
            out.put((byte) text.charAt(c));
        }
    }
}

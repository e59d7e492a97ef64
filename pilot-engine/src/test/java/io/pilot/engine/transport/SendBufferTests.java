package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The send buffer's chunks start small and grow: whatever the write sizes, every buffered range reads back intact. */
class SendBufferTests {

    @Test
    void writesOfEverySizeReadBackAcrossGrowingAndFullChunks() {
        Random random = new Random(11);
        byte[] written = new byte[5 * SendBuffer.CHUNK + 123];
        random.nextBytes(written);
        SendBuffer buffer = new SendBuffer();
        int[] sizes = {1, 7, 100, 255, 256, 257, 1000, 4096, SendBuffer.CHUNK - 3, SendBuffer.CHUNK, 2 * SendBuffer.CHUNK};
        int offset = 0;
        for (int i = 0; offset < written.length; i++) {
            int n = Math.min(sizes[i % sizes.length], written.length - offset);
            buffer.append(ByteBuffer.wrap(written, offset, n));
            offset += n;
            assertThat(buffer.end()).isEqualTo(offset);
            assertReadsBack(buffer, written, 0, offset);
        }
        for (int i = 0; i < 200; i++) {
            int from = random.nextInt(written.length);
            assertReadsBack(buffer, written, from, random.nextInt(written.length - from + 1));
        }
    }

    @Test
    void releasedChunksGoAndTheRestStillReadsBack() {
        byte[] written = new byte[3 * SendBuffer.CHUNK];
        new Random(7).nextBytes(written);
        SendBuffer buffer = new SendBuffer();
        for (int offset = 0; offset < written.length; offset += 300) {
            buffer.append(ByteBuffer.wrap(written, offset, Math.min(300, written.length - offset)));
        }
        buffer.release(SendBuffer.CHUNK + 5);
        assertReadsBack(buffer, written, SendBuffer.CHUNK, 2 * SendBuffer.CHUNK);
        buffer.append(ByteBuffer.wrap(new byte[] {42}));
        ByteBuffer last = ByteBuffer.allocate(1);
        buffer.copyTo(written.length, 1, last);
        assertThat(last.get(0)).isEqualTo((byte) 42);
    }

    private static void assertReadsBack(SendBuffer buffer, byte[] written, int from, int length) {
        ByteBuffer out = ByteBuffer.allocate(length);
        buffer.copyTo(from, length, out);
        assertThat(out.array()).isEqualTo(Arrays.copyOfRange(written, from, from + length));
    }
}

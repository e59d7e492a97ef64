package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    @Test
    void sharedWritesBetweenCopiedOnesReadBackAndTheCallersArraysAreNeverWritten() {
        Random random = new Random(5);
        byte[] written = new byte[8 * SendBuffer.CHUNK + 999];
        random.nextBytes(written);
        SendBuffer buffer = new SendBuffer();
        int[] sizes = {7, 3 * SendBuffer.CHUNK + 17, 100, SendBuffer.CHUNK, 2 * SendBuffer.CHUNK - 5, 1, SendBuffer.CHUNK + 1};
        List<byte[]> bodies = new ArrayList<>();
        List<Integer> bodyOffsets = new ArrayList<>();
        int offset = 0;
        for (int i = 0; offset < written.length; i++) {
            int n = Math.min(sizes[i % sizes.length], written.length - offset);
            if (i % 2 == 1) { // a message body: its own array, with bytes around the range that the buffer may not touch
                byte[] body = new byte[n + 20];
                System.arraycopy(written, offset, body, 10, n);
                buffer.appendShared(body, 10, n);
                bodies.add(body);
                bodyOffsets.add(offset);
            } else {
                buffer.append(ByteBuffer.wrap(written, offset, n));
            }
            offset += n;
            assertThat(buffer.end()).isEqualTo(offset);
            assertReadsBack(buffer, written, 0, offset);
        }
        for (int b = 0; b < bodies.size(); b++) {
            byte[] body = bodies.get(b);
            int n = body.length - 20;
            byte[] expected = new byte[body.length];
            System.arraycopy(written, bodyOffsets.get(b), expected, 10, n);
            assertThat(body).as("body %d", b).isEqualTo(expected);
        }
        buffer.release(5 * SendBuffer.CHUNK + 3);
        for (int i = 0; i < 200; i++) {
            int from = 5 * SendBuffer.CHUNK + random.nextInt(written.length - 5 * SendBuffer.CHUNK);
            assertReadsBack(buffer, written, from, random.nextInt(written.length - from + 1));
        }
    }

    private static void assertReadsBack(SendBuffer buffer, byte[] written, int from, int length) {
        ByteBuffer out = ByteBuffer.allocate(length);
        buffer.copyTo(from, length, out);
        assertThat(out.array()).isEqualTo(Arrays.copyOfRange(written, from, from + length));
    }
}

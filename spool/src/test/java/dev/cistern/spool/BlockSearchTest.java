package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link BlockSearch} and {@link Bytes#count} against a byte loop: the same hits, in order, and every newline counted once. */
class BlockSearchTest {
    private static final byte[] ALPHABET = "\"ab\\\n:xy".getBytes(StandardCharsets.US_ASCII);

    @Test
    void findsWhatALoopFindsAndCountsTheNewlines() {
        Random rnd = new Random(13);
        for (int round = 0; round < 3_000; round++) {
            byte[] b = new byte[rnd.nextInt(round % 10 == 0 ? 6_000 : 200)]; // longer than Bytes.LANE_MAX words too
            for (int i = 0; i < b.length; i++) b[i] = ALPHABET[rnd.nextInt(rnd.nextBoolean() ? 4 : ALPHABET.length)];
            byte[] needle = new byte[1 + rnd.nextInt(4)];
            for (int i = 0; i < needle.length; i++) needle[i] = ALPHABET[rnd.nextInt(3)];
            boolean escapes = rnd.nextBoolean();
            Needle n = new Needle(needle, false);
            if (rnd.nextBoolean()) n = n.tunedTo(Needle.byteCounts(b, 0, b.length));
            BlockSearch search = new BlockSearch(n, escapes);
            int from = b.length == 0 ? 0 : rnd.nextInt(b.length);
            String what = new String(b, StandardCharsets.US_ASCII) + " / " + new String(needle, StandardCharsets.US_ASCII);
            for (int pos = from; pos <= b.length; ) {
                int expected = naive(b, pos, needle, escapes);
                int at = search.next(b, pos, b.length);
                assertEquals(expected, at, what + " from " + pos);
                int stop = at < 0 ? b.length : at;
                assertEquals(newlines(b, pos, stop), Bytes.count(b, pos, stop, (byte) '\n'), what + " counted from " + pos);
                if (at < 0) break;
                pos = at + 1;
            }
        }
    }

    @Test
    void countsMoreNewlinesThanALaneHolds() {
        byte[] b = new byte[10_003];
        java.util.Arrays.fill(b, (byte) '\n');
        assertEquals(b.length - 1, Bytes.count(b, 1, b.length, (byte) '\n'));
        BlockSearch search = new BlockSearch(new Needle(new byte[] {'"', 'x', '"'}, false), true);
        assertEquals(-1, search.next(b, 1, b.length));
    }

    private static int naive(byte[] b, int from, byte[] needle, boolean escapes) {
        for (int i = from; i < b.length; i++) {
            if (escapes && b[i] == '\\') return i;
            if (i + needle.length <= b.length && java.util.Arrays.equals(b, i, i + needle.length, needle, 0, needle.length)) return i;
        }
        return -1;
    }

    private static long newlines(byte[] b, int from, int to) {
        long n = 0;
        for (int i = from; i < to; i++) if (b[i] == '\n') n++;
        return n;
    }
}

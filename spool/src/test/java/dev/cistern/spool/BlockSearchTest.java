package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** With a byte of the needle rare in the data, one probe finds it sixteen positions a step: the same hits, either case, escapes too. */
    @Test
    void oneRareProbeFindsWhatALoopFinds() {
        Random rnd = new Random(29);
        int oneProbe = 0;
        for (int round = 0; round < 3_000; round++) {
            boolean ignoreCase = rnd.nextBoolean();
            byte[] needle = ("\"z" + "ab".repeat(rnd.nextInt(3)) + "\"").getBytes(StandardCharsets.US_ASCII);
            byte[] b = new byte[rnd.nextInt(round % 10 == 0 ? 6_000 : 300)];
            for (int i = 0; i < b.length; i++) {
                int r = rnd.nextInt(200);
                b[i] = r == 0 ? (byte) 'z' : r == 1 ? (byte) 'Z' : ALPHABET[r % 5];
            }
            for (int k = rnd.nextInt(4); k > 0 && b.length > needle.length; k--) { // some real hits, some in upper case
                int at = rnd.nextInt(b.length - needle.length + 1);
                System.arraycopy(needle, 0, b, at, needle.length);
                if (rnd.nextBoolean()) b[at + 1] = 'Z';
            }
            Needle n = new Needle(needle, ignoreCase).tunedTo(Needle.byteCounts(b, 0, b.length));
            if (n.oneProbe()) oneProbe++;
            boolean escapes = rnd.nextInt(4) == 0;
            BlockSearch search = new BlockSearch(n, escapes);
            String what = new String(b, StandardCharsets.US_ASCII) + " / " + new String(needle, StandardCharsets.US_ASCII);
            for (int pos = b.length == 0 ? 0 : rnd.nextInt(b.length); pos <= b.length; ) {
                int at = search.next(b, pos, b.length);
                assertEquals(naive(b, pos, needle, escapes, ignoreCase), at, what + " from " + pos + (ignoreCase ? ", any case" : "")
                        + (escapes ? ", escapes" : ""));
                if (at < 0) break;
                pos = at + 1;
            }
        }
        assertTrue(oneProbe > 1_000, "rounds searched with one probe: " + oneProbe);
    }

    @Test
    void countsRowsAndFlagsAnEscapeInOnePass() {
        Random rnd = new Random(31);
        for (int round = 0; round < 3_000; round++) {
            byte[] b = new byte[rnd.nextInt(round % 10 == 0 ? 6_000 : 100)];
            int escapes = 1 + rnd.nextInt(2_000); // about one byte in this many is a backslash
            for (int i = 0; i < b.length; i++) b[i] = rnd.nextInt(escapes) == 0 ? (byte) '\\' : ALPHABET[4 + rnd.nextInt(4)];
            int from = b.length == 0 ? 0 : rnd.nextInt(b.length);
            boolean escaped = false;
            for (int i = from; i < b.length; i++) escaped |= b[i] == '\\';
            long expected = 2 * newlines(b, from, b.length) + (escaped ? 1 : 0);
            assertEquals(expected, Bytes.countFlagging(b, from, b.length, (byte) '\n', (byte) '\\'), new String(b, StandardCharsets.US_ASCII));
        }
    }

    private static int naive(byte[] b, int from, byte[] needle, boolean escapes) {
        return naive(b, from, needle, escapes, false);
    }

    private static int naive(byte[] b, int from, byte[] needle, boolean escapes, boolean ignoreCase) {
        for (int i = from; i < b.length; i++) {
            if (escapes && b[i] == '\\') return i;
            if (i + needle.length <= b.length && (ignoreCase
                    ? new String(b, i, needle.length, StandardCharsets.US_ASCII).equalsIgnoreCase(new String(needle, StandardCharsets.US_ASCII))
                    : java.util.Arrays.equals(b, i, i + needle.length, needle, 0, needle.length))) {
                return i;
            }
        }
        return -1;
    }

    private static long newlines(byte[] b, int from, int to) {
        long n = 0;
        for (int i = from; i < to; i++) if (b[i] == '\n') n++;
        return n;
    }
}

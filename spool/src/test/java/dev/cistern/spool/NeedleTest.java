package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The eight-at-a-time searches find what a byte-by-byte loop finds, at every alignment and edge. */
class NeedleTest {
    private static final byte[] ALPHABET = "aAbB\n\"{}:-_zZ@`[".getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void byteSearchesAgreeWithALoop() {
        Random rnd = new Random(7);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = random(rnd, rnd.nextInt(40));
            int from = b.length == 0 ? 0 : rnd.nextInt(b.length + 1);
            int to = from + rnd.nextInt(b.length - from + 1);
            byte c = ALPHABET[rnd.nextInt(ALPHABET.length)];
            int first = -1;
            int last = -1;
            int count = 0;
            for (int i = from; i < to; i++) {
                if (b[i] != c) continue;
                if (first < 0) first = i;
                last = i;
                count++;
            }
            assertEquals(first, Bytes.indexOf(b, from, to, c));
            assertEquals(last, Bytes.lastIndexOf(b, from, to, c));
            assertEquals(count, Bytes.count(b, from, to, c));
        }
    }

    @Test
    void needleSearchAgreesWithALoop() {
        Random rnd = new Random(11);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = random(rnd, rnd.nextInt(60));
            byte[] n = random(rnd, 1 + rnd.nextInt(4));
            boolean ignoreCase = rnd.nextBoolean();
            if (ignoreCase) n = new String(n, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1);
            int from = rnd.nextInt(b.length + 1);
            int to = from + rnd.nextInt(b.length - from + 1);
            assertEquals(naive(b, from, to, n, ignoreCase), new Needle(n, ignoreCase).find(b, from, to));
            // probed at the bytes rarest in some data (this row or another): found alike
            int[] seen = Needle.byteCounts(b, 0, rnd.nextInt(b.length + 1));
            assertEquals(naive(b, from, to, n, ignoreCase), new Needle(n, ignoreCase).tunedTo(seen).find(b, from, to));
        }
    }

    @Test
    void aValueCountsOnlyAfterItsKey() {
        byte[] key = "container".getBytes(StandardCharsets.UTF_8);
        KeyedValue v = new KeyedValue(key, new Needle("\"istio\"".getBytes(StandardCharsets.UTF_8), false));
        for (String yes : List.of("{\"container\":\"istio\"}", "{\"container\" :\t \"istio\"}",
                "{\"pod\":\"istio\",\"container\":\"istio\"}")) {
            byte[] b = yes.getBytes(StandardCharsets.UTF_8);
            assertEquals(true, v.in(b, 0, b.length), yes);
        }
        for (String no : List.of("{\"pod\":\"istio\"}", "{\"xcontainer\":\"istio\"}", "{\"container\":\"istio-proxy\"}",
                "[\"container\",\"istio\"]", "{\"container\":\"x\",\"istio\":1}", "\"container\":\"istio\"".substring(1))) {
            byte[] b = no.getBytes(StandardCharsets.UTF_8);
            assertEquals(false, v.in(b, 0, b.length), no);
        }
        byte[] b = "x{\"container\":\"istio\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(false, v.in(b, 3, b.length), "the key's opening quote lies before the row");
    }

    private static int naive(byte[] b, int from, int to, byte[] n, boolean ignoreCase) {
        outer:
        for (int i = from; i + n.length <= to; i++) {
            for (int j = 0; j < n.length; j++) {
                byte c = b[i + j];
                if (ignoreCase && c >= 'A' && c <= 'Z') c += 32;
                if (c != n[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    private static byte[] random(Random rnd, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) b[i] = ALPHABET[rnd.nextInt(ALPHABET.length)];
        return b;
    }
}

package dev.cistern.agent.remotewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyArenaTest {
    private static byte[] bytes(SeriesKey k) {
        return Arrays.copyOfRange(k.b, k.off, k.off + k.len);
    }

    private static SeriesKey probe(String s) {
        byte[] b = ("xx" + s).getBytes(StandardCharsets.US_ASCII);
        SeriesKey k = new SeriesKey();
        k.set(b, 2, b.length - 2);
        return k;
    }

    @Test
    void keysKeepTheirBytesAndHashWhenTheArenaFillsAndTheLiveOnesMove() {
        KeyArena arena = new KeyArena();
        Map<SeriesKey, String> live = new LinkedHashMap<>(); // the cache's order
        for (int i = 0; i < 20_000; i++) {
            String label = "instance=\"node-" + i + "\",job=\"node\"";
            byte[] b = ("__" + label).getBytes(StandardCharsets.US_ASCII);
            SeriesKey k = new SeriesKey();
            arena.store(k, b, 2, b.length - 2, live.keySet());
            live.put(k, label);
            if (i % 3 == 0) { // every third goes again: holes the next move drops
                SeriesKey gone = live.keySet().iterator().next();
                live.remove(gone);
                arena.released(gone);
            }
        }
        byte[] previous = null;
        int inOrder = 0;
        for (Map.Entry<SeriesKey, String> e : live.entrySet()) {
            SeriesKey k = e.getKey();
            assertArrayEquals(e.getValue().getBytes(StandardCharsets.US_ASCII), bytes(k));
            assertEquals(probe(e.getValue()), k, "found by a probe of the same bytes, by hash and content");
            assertEquals(probe(e.getValue()).hashCode(), k.hashCode());
            if (previous == k.b) inOrder++;
            previous = k.b;
        }
        assertTrue(inOrder > live.size() - 20, "the live keys share a few arenas, not one array each: " + inOrder);
        long liveBytes = live.keySet().stream().mapToLong(k -> k.len).sum();
        assertTrue(arena.capacity() <= Math.max(16 << 10, 2 * liveBytes + 256), "arena " + arena.capacity() + " for " + liveBytes);
    }

    @Test
    void aKeyBiggerThanTheArenaGetsRoom() {
        KeyArena arena = new KeyArena();
        byte[] big = new byte[100_000];
        Arrays.fill(big, (byte) 'a');
        SeriesKey k = new SeriesKey();
        arena.store(k, big, 0, big.length, java.util.List.of());
        assertArrayEquals(big, bytes(k));
    }
}

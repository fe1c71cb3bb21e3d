package dev.cistern.agent.remotewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    void keysKeepTheirBytesHashAndFirstSeenOrderWhenTheArenaFillsAndTheLiveOnesMove() {
        KeyArena arena = new KeyArena();
        Map<SeriesKey, String> live = new LinkedHashMap<>(16, 0.75f, true); // access order, as the cache's
        List<SeriesKey> firstSeen = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            String label = "instance=\"node-" + i + "\",job=\"node\"";
            byte[] b = ("__" + label).getBytes(StandardCharsets.US_ASCII);
            SeriesKey k = new SeriesKey();
            arena.store(k, b, 2, b.length - 2, live.keySet());
            live.put(k, label);
            firstSeen.add(k);
            if (i % 5 == 0) live.get(firstSeen.get(i / 2)); // looked up: moves to the end of the access order
            if (i % 3 == 0) { // every third goes again: holes the next move drops
                SeriesKey gone = live.keySet().iterator().next();
                live.remove(gone);
                arena.released(gone);
            }
        }
        for (Map.Entry<SeriesKey, String> e : live.entrySet()) {
            SeriesKey k = e.getKey();
            assertArrayEquals(e.getValue().getBytes(StandardCharsets.US_ASCII), bytes(k));
            assertEquals(probe(e.getValue()), k, "found by a probe of the same bytes, by hash and content");
            assertEquals(probe(e.getValue()).hashCode(), k.hashCode());
        }
        SeriesKey before = null;
        for (SeriesKey k : firstSeen) {
            if (!live.containsKey(k)) continue;
            if (before != null) {
                assertSame(before.b, k.b, "the live keys share one arena");
                assertTrue(k.off > before.off, "kept in the order first seen, whatever the order of use");
            }
            before = k;
        }
        long liveBytes = live.keySet().stream().mapToLong(k -> k.len).sum();
        assertTrue(arena.capacity() <= Math.max(16 << 10, 4 * liveBytes), "arena " + arena.capacity() + " for " + liveBytes);
    }

    @Test
    void aKeyBiggerThanTheArenaGetsRoom() {
        KeyArena arena = new KeyArena();
        byte[] big = new byte[100_000];
        Arrays.fill(big, (byte) 'a');
        SeriesKey k = new SeriesKey();
        arena.store(k, big, 0, big.length, List.of());
        assertArrayEquals(big, bytes(k));
    }
}

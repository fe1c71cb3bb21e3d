package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampFieldsTest {
    private static String written(TimestampFields fields, long ts) {
        RowBuffer out = new RowBuffer(8);
        out.write('x'); // after what is already in the buffer
        fields.writeTo(out, ts);
        return new String(out.array(), 0, out.size(), StandardCharsets.US_ASCII);
    }

    @Test
    void aBlocksScrapeTimesMostlyHaveSlotsOfTheirOwn() {
        for (long start : new long[] {1_763_888_295_000L, 1_700_000_000_000L, 1_763_892_570_123L}) {
            for (long interval : new long[] {15_000, 30_000, 60_000, 10_000}) {
                java.util.Set<Integer> slots = new java.util.HashSet<>();
                int times = 190; // the most a block of the k8s load held
                for (int i = 0; i < times; i++) slots.add(TimestampFields.slot(start + interval * i));
                assertTrue(slots.size() >= 0.9 * times, slots.size() + " slots for " + times + " scrape times " + interval + " ms apart");
            }
        }
    }

    @Test
    void writesTheDigitsAndTheValueFieldForEveryTimestampRememberedOrNot() {
        TimestampFields fields = new TimestampFields();
        SplittableRandom random = new SplittableRandom(7);
        long[] scrapes = new long[6000]; // more than it remembers, so slots are taken over and collide
        for (int i = 0; i < scrapes.length; i++) scrapes[i] = 1_700_000_000_000L + 15_000L * i + random.nextInt(40);
        for (int pass = 0; pass < 3; pass++) {
            for (int i = 0; i < 20_000; i++) {
                long ts = scrapes[random.nextInt(pass == 0 ? 70 : scrapes.length)];
                assertEquals("x" + ts + ",\"value\":", written(fields, ts));
            }
        }
        for (long ts : new long[] {0, 1, 9, 10, 99_999_999, 100_000_000, 253_402_300_799_999L, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertEquals("x" + ts + ",\"value\":", written(fields, ts));
            assertEquals("x" + ts + ",\"value\":", written(fields, ts));
        }
    }
}

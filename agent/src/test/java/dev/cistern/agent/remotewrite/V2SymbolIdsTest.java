package dev.cistern.agent.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Symbol ids across requests: the same bytes the same id while remembered, and an id never names other bytes. */
class V2SymbolIdsTest {

    private static long id(V2SymbolIds ids, String s) {
        byte[] b = ("xx" + s).getBytes(StandardCharsets.UTF_8); // not at offset 0, as in a body
        return ids.id(b, 2, b.length - 2);
    }

    @Test
    void sameBytesSameIdOtherBytesOtherId() {
        V2SymbolIds ids = new V2SymbolIds(1 << 20);
        long job = id(ids, "job");
        long node = id(ids, "node");
        assertNotEquals(job, node);
        assertEquals(job, id(ids, "job"));
        assertNotEquals(id(ids, ""), id(ids, "jo"));
        for (int i = 0; i < 5000; i++) id(ids, "value-" + i); // the table grows
        assertEquals(node, id(ids, "node"));
        assertEquals(5004, ids.size());
    }

    @Test
    void invalidUtf8HasNoId() {
        V2SymbolIds ids = new V2SymbolIds(1 << 20);
        byte[] b = {'a', (byte) 0xc3, 'b'};
        assertEquals(V2SymbolIds.INVALID, ids.id(b, 0, 3));
        assertEquals(0, ids.size());
    }

    @Test
    void overTheBudgetEverythingIsForgottenAndNoIdComesBack() {
        V2SymbolIds ids = new V2SymbolIds(64 << 10);
        Set<Long> seen = new HashSet<>();
        long first = id(ids, "job");
        seen.add(first);
        int forgotten = 0;
        for (int i = 0; i < 20_000; i++) {
            int before = ids.size();
            assertTrue(seen.add(id(ids, "value-" + i)), "a new symbol gets a new id");
            if (ids.size() <= before) forgotten++;
            assertTrue(ids.heldBytes() <= (64 << 10) + 64, "held " + ids.heldBytes());
        }
        assertTrue(forgotten > 0, "the budget was reached");
        long again = id(ids, "job");
        assertNotEquals(first, again, "forgotten: the same bytes get a new id, so old keys cannot match");
        assertTrue(seen.add(again));
    }
}

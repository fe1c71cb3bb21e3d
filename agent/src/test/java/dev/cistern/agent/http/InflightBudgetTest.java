package dev.cistern.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The in-flight budget: bodies and what they decode to share it; a request waits a bounded time, then 503; too big alone, 413. */
class InflightBudgetTest {
    private static Exchange exchange(int bodyBytes, InflightBudget budget) {
        return new Exchange(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/write"), "/api/v1/write",
                new byte[bodyBytes], budget);
    }

    @Test
    void theEventLoopNeverWaitsForRoom() {
        InflightBudget b = new InflightBudget(1000, 60_000);
        assertTrue(b.tryReserve(600));
        long start = System.nanoTime();
        assertFalse(b.tryReserve(500), "over the budget");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "tryReserve waited");
        b.release(600);
        assertTrue(b.tryReserve(1000));
        assertEquals(1000, b.used());
    }

    @Test
    void aChargeWaitsForAnotherRequestToBeAnswered() throws Exception {
        InflightBudget b = new InflightBudget(1000, 10_000);
        assertTrue(b.tryReserve(800));
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return b.reserve(500);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        Thread.sleep(100);
        assertFalse(waiting.isDone(), "reserved while the budget was full");
        b.release(800);
        assertTrue(waiting.get(5, TimeUnit.SECONDS));
        assertEquals(500, b.used());
    }

    @Test
    void aChargeThatFindsNoRoomInTimeIs503WithItsReason() {
        InflightBudget b = new InflightBudget(1000, 50);
        assertTrue(b.tryReserve(900));
        Exchange ex = exchange(100, b);
        HttpException e = assertThrows(HttpException.class, () -> ex.charge(200));
        assertEquals(503, e.status());
        assertEquals("inflight_bytes", e.reason());
        assertEquals(900, b.used(), "a refused charge holds nothing");
    }

    @Test
    void aRequestThatAloneNeedsMoreThanTheBudgetIs413AtOnce() {
        InflightBudget b = new InflightBudget(1000, 60_000);
        Exchange ex = exchange(400, b);
        ex.charge(300);
        long start = System.nanoTime();
        HttpException e = assertThrows(HttpException.class, () -> ex.charge(301));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "waited for room that can never come");
        assertEquals(413, e.status());
        assertTrue(e.getMessage().contains("server.max_inflight_bytes"), e.getMessage());
    }

    @Test
    void chargesAreReleasedOnceTheEndpointIsDone() {
        InflightBudget b = new InflightBudget(1000, 50);
        Exchange ex = exchange(0, b);
        ex.charge(300);
        ex.charge(200);
        assertEquals(500, b.used());
        ex.releaseCharges();
        assertEquals(0, b.used());
        ex.releaseCharges();
        assertEquals(0, b.used(), "released once");
    }
}

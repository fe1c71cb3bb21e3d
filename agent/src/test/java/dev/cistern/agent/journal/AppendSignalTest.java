package dev.cistern.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AppendSignalTest {
    private static final long LONG = TimeUnit.SECONDS.toNanos(30);

    @Test
    void aWaitingReaderIsWokenBySignal() throws Exception {
        AppendSignal s = new AppendSignal();
        long seen = s.ready();
        CountDownLatch woke = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            s.await(seen, LONG);
            woke.countDown();
        });
        reader.start();
        while (reader.getState() != Thread.State.TIMED_WAITING) Thread.onSpinWait(); // parked
        s.signal();
        assertTrue(woke.await(5, TimeUnit.SECONDS), "a signal wakes a parked reader, not its timeout");
        assertEquals(seen + 1, s.ready());
    }

    @Test
    void anEntryMadeReadyBeforeTheWaitIsNotMissed() {
        AppendSignal s = new AppendSignal();
        long seen = s.ready();
        s.signal(); // between the reader's look at the journal and its wait
        long t0 = System.nanoTime();
        s.await(seen, LONG);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "returns at once");
    }

    @Test
    void withoutASignalTheWaitEndsAtItsTimeout() {
        AppendSignal s = new AppendSignal();
        long t0 = System.nanoTime();
        s.await(s.ready(), TimeUnit.MILLISECONDS.toNanos(50));
        long waited = System.nanoTime() - t0;
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(40) && waited < TimeUnit.SECONDS.toNanos(5), waited + " ns");
    }

    @Test
    void noSignalIsLostHoweverItMeetsTheWait() throws Exception {
        // one signal at a time, each sent at a different moment of the reader's look-then-wait: a lost one would
        // leave the reader parked for 30 s and the writer waiting for its answer in vain
        AppendSignal s = new AppendSignal();
        AtomicInteger looking = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        int rounds = 20_000;
        Thread reader = new Thread(() -> {
            for (int i = 0; i < rounds; i++) {
                long seen = s.ready();
                looking.incrementAndGet();
                while (s.ready() == seen) s.await(seen, LONG);
                answered.incrementAndGet();
            }
        });
        reader.setDaemon(true);
        reader.start();
        for (int i = 1; i <= rounds; i++) {
            while (looking.get() < i) Thread.onSpinWait();
            for (int spin = i % 64; spin > 0; spin--) Thread.onSpinWait(); // before, during or after the reader parks
            s.signal();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (answered.get() < i) {
                assertTrue(System.nanoTime() < until, "signal " + i + " was lost");
                Thread.onSpinWait();
            }
        }
    }
}

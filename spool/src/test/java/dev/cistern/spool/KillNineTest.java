package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cistern.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real crash: a child JVM appends and flushes; it is killed with SIGKILL at random moments
 * (during startup and recovery too); after each cycle the next child recovers the spool. At the
 * end every row the child reported as flushed is present exactly once, and nothing is duplicated.
 */
class KillNineTest {
    @TempDir Path tmp;

    @Test
    void flushedRowsSurviveKillNineExactlyOnce() throws Exception {
        runCycles(6, 42);
    }

    @Test
    @Tag("slow")
    void flushedRowsSurviveManyKillNines() throws Exception {
        runCycles(40, 4242);
    }

    private void runCycles(int cycles, long seed) throws Exception {
        Path spoolDir = tmp.resolve("spool");
        Random rnd = new Random(seed);
        long[] flushed = new long[cycles];
        for (int cycle = 0; cycle < cycles; cycle++) {
            // on a slow machine every kill may come before a flush: the last cycle then waits for one, so the test proves something
            boolean needFlush = cycle == cycles - 1 && Arrays.stream(flushed).sum() == 0;
            flushed[cycle] = runAndKill(spoolDir, cycle, rnd, needFlush);
        }

        RecoveryReport lastRecovery;
        try (Spool spool = Spool.open(Fixtures.config(spoolDir).build())) {
            lastRecovery = spool.recovery();
        }
        Map<Integer, BitSet> seen = new HashMap<>();
        long rows = 0;
        for (Path f : Fixtures.sealedFiles(spoolDir)) {
            Verifier.Result v = Verifier.verify(f);
            assertTrue(v.ok(), f + ": " + v.problem());
            for (String line : Fixtures.lines(f)) {
                JsonNode row = Fixtures.parse(line);
                int cycle = Integer.parseInt(row.get("labels").get("cycle").asText());
                long seq = row.get("ts").asLong() - T0;
                assertEquals(seq, row.get("value").asLong(), line);
                BitSet s = seen.computeIfAbsent(cycle, c -> new BitSet());
                if (s.get((int) seq)) fail("row " + seq + " of cycle " + cycle + " is present twice");
                s.set((int) seq);
                rows++;
            }
        }
        long totalFlushed = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            BitSet s = seen.getOrDefault(cycle, new BitSet());
            int firstMissing = s.nextClearBit(0);
            assertTrue(firstMissing >= flushed[cycle], "cycle " + cycle + ": row " + firstMissing + " is missing but "
                    + flushed[cycle] + " rows were reported flushed");
            totalFlushed += flushed[cycle];
        }
        assertTrue(totalFlushed > 0, "no cycle got as far as a flush; the test proved nothing");
        assertTrue(Fixtures.activeFiles(spoolDir).isEmpty(), "temp files left: " + Fixtures.activeFiles(spoolDir));
        assertTrue(Fixtures.filesUnder(spoolDir.resolve(SpoolLayout.QUARANTINE), "").isEmpty(),
                "a crash must never produce a file recovery cannot read");
        assertTrue(rows >= totalFlushed, rows + " rows, " + totalFlushed + " flushed; last recovery: " + lastRecovery);
        System.out.println("kill -9 x " + cycles + ": flushed per cycle " + Arrays.toString(flushed) + ", " + rows
                + " rows found, each once");
    }

    /** Runs one child until a random moment (after its first flush when {@code needFlush}), kills it with SIGKILL; the rows it flushed. */
    private long runAndKill(Path spoolDir, int cycle, Random rnd, boolean needFlush) throws Exception {
        Path err = tmp.resolve("child-" + cycle + ".err");
        ProcessBuilder pb = ChildJvm.builder(CrashChild.class, List.of("-Xmx256m"),
                spoolDir.toString(), Integer.toString(cycle), Long.toString(rnd.nextLong())).redirectError(err.toFile());
        AtomicLong flushed = new AtomicLong();
        CountDownLatch opened = new CountDownLatch(1);
        Process child = pb.start();
        try {
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.startsWith("open")) opened.countDown();
                        else if (line.startsWith("flushed ")) flushed.set(Long.parseLong(line.substring(8)));
                    }
                } catch (Exception ignored) {
                    // the pipe breaks when the child dies
                }
            }, "child-" + cycle + "-stdout");
            reader.start();
            boolean early = rnd.nextInt(5) == 0;
            if (early && !needFlush) {
                // Early: during JVM start, or while the child recovers what the last kill left.
                Thread.sleep(rnd.nextInt(600));
            } else {
                if (!opened.await(60, TimeUnit.SECONDS)) fail("child " + cycle + " did not open the spool: " + Files.readString(err));
                Thread.sleep(50 + rnd.nextInt(1_200));
                for (int i = 0; needFlush && flushed.get() == 0 && i < 600; i++) Thread.sleep(100);
            }
            if (!child.isAlive()) fail("child " + cycle + " exited by itself (" + child.exitValue() + "): " + Files.readString(err));
            child.destroyForcibly(); // SIGKILL on Linux
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, child.exitValue(), "killed by SIGKILL");
            reader.join(10_000);
            return flushed.get();
        } finally {
            child.destroyForcibly();
        }
    }
}

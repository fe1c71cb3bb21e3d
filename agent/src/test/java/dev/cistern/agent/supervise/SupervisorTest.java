package dev.cistern.agent.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.metrics.AgentMetrics;
import dev.cistern.spool.SpoolWriteException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class SupervisorTest {
    private final AgentMetrics metrics = new AgentMetrics();
    private final Supervisor supervisor = new Supervisor(metrics);

    @Test
    void judgesAFailureByItsWholeCauseChain() {
        assertEquals(FailureKind.FATAL, FailureKind.of(new UnsatisfiedLinkError("no brotli")));
        assertEquals(FailureKind.FATAL, FailureKind.of(new NoClassDefFoundError("Encoder")));
        assertEquals(FailureKind.FATAL, FailureKind.of(new OutOfMemoryError()));
        // the sealing thread's Error reaches the lane wrapped in the spool's exception
        assertEquals(FailureKind.FATAL, FailureKind.of(new SpoolWriteException("sealing failed", new UnsatisfiedLinkError("x"))));
        assertEquals(FailureKind.IO, FailureKind.of(new SpoolWriteException("disk full", new IOException("No space left"))));
        assertEquals(FailureKind.IO, FailureKind.of(new InternalError("a fault occurred in an unsafe memory access")));
        assertEquals(FailureKind.UNEXPECTED, FailureKind.of(new IllegalStateException("bug")));
        assertEquals(FailureKind.UNEXPECTED, FailureKind.of(new StackOverflowError()));
    }

    @Test
    void aFatalFailureStopsAcknowledgingForGood() {
        Supervisor.Decision d = supervisor.failed("apply-lane-0", new UnsatisfiedLinkError("no brotli"));
        assertFalse(d.restart());
        assertFalse(supervisor.acknowledging());
        assertTrue(supervisor.cause().contains("apply-lane-0") && supervisor.cause().contains("UnsatisfiedLinkError"), supervisor.cause());
        supervisor.progressed("apply-lane-0");
        assertFalse(supervisor.acknowledging(), "only a restart of the process clears a native failure");
        assertTrue(metrics.scrape().contains("cistern_acknowledging 0.0"), metrics.scrape());
        assertTrue(metrics.scrape().contains("cistern_supervised_failures_total{kind=\"fatal\",outcome=\"stopped\",thread=\"apply-lane-0\"} 1.0"),
                metrics.scrape());
    }

    @Test
    void repeatedUnexpectedFailuresStopAcknowledgingUntilTheThreadMovesAgain() {
        for (int i = 1; i < Supervisor.MAX_FAILURES; i++) {
            Supervisor.Decision d = supervisor.failed("apply-lane-1", new IllegalStateException("bug " + i));
            assertTrue(d.restart());
            assertTrue(supervisor.acknowledging(), "failure " + i + " alone is restarted");
        }
        Supervisor.Decision d = supervisor.failed("apply-lane-1", new IllegalStateException("bug again"));
        assertTrue(d.restart(), "it goes on trying");
        assertTrue(d.backoffMillis() > 0);
        assertFalse(supervisor.acknowledging());
        assertTrue(supervisor.cause().contains("failed 5 times"), supervisor.cause());
        supervisor.progressed("apply-lane-0");
        assertFalse(supervisor.acknowledging(), "another thread's progress does not clear it");
        supervisor.progressed("apply-lane-1");
        assertTrue(supervisor.acknowledging());
        assertNull(supervisor.cause());
    }

    @Test
    void ioFailuresRestartWithGrowingBackoffAndNeverStopAcknowledging() {
        long last = 0;
        for (int i = 0; i < 20; i++) {
            Supervisor.Decision d = supervisor.failed("apply-lane-0", new SpoolWriteException("full", new IOException("ENOSPC")));
            assertTrue(d.restart());
            assertTrue(d.backoffMillis() >= last && d.backoffMillis() <= 10_000, "backoff " + d.backoffMillis());
            last = d.backoffMillis();
        }
        assertEquals(10_000, last);
        assertTrue(supervisor.acknowledging(), "a full disk is refused by ingest's own checks, not by the supervisor");
    }

    @Test
    void aStallStopsAcknowledgingUntilProgress() {
        supervisor.stalled("apply-lane-0", "no journal entry written for 61 s");
        assertFalse(supervisor.acknowledging());
        assertTrue(supervisor.cause().contains("stalled"), supervisor.cause());
        supervisor.progressed("apply-lane-0");
        assertTrue(supervisor.acknowledging());
    }
}

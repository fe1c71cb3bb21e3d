package dev.cistern.agent.supervise;

import java.io.IOException;
import java.util.Locale;

/** What a supervised thread's failure means for a restart: a value, so logs and metrics say why without string-building. */
public enum FailureKind {
    /** An I/O failure (a full disk, a journal mapping fault): the environment may heal, so restarts go on, with backoff. */
    IO,
    /** Anything else a restart may cure once; repeated {@link Supervisor#MAX_FAILURES} times in a window it stops acknowledging. */
    UNEXPECTED,
    /** A native library that does not load, or out of memory: no restart can help, acknowledging stops at once. */
    FATAL;

    /** The kind of {@code t}, judged by its whole cause chain (a seal failure wraps what the sealing thread met). */
    public static FailureKind of(Throwable t) {
        boolean io = false;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof LinkageError || c instanceof OutOfMemoryError) return FATAL;
            // InternalError: the JVM's report of a fault in a memory-mapped file, such as the journal's on a full disk
            io |= c instanceof IOException || c instanceof InternalError;
        }
        return io ? IO : UNEXPECTED;
    }

    /** The label value on {@code cistern_supervised_failures_total}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package dev.cistern.uploader.internal;

import dev.cistern.uploader.DestinationException;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.TimeoutExceededException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;

/** Error classification: what a failed attempt means, and whether another attempt may help. */
final class Failures {
    private Failures() {}

    /** Whether the retry policy tries again after this. */
    static boolean retryable(Throwable e) {
        if (e instanceof DestinationException d) return !d.permanent();
        if (e instanceof FileGone || e instanceof CircuitBreakerOpenException) return false;
        return e instanceof TimeoutExceededException || e instanceof IOException;
    }

    /** Whether the circuit breaker counts this against the destination. */
    static boolean countsAgainstDestination(Throwable e) {
        return !(e instanceof FileGone);
    }

    /**
     * What a destination's put threw, as a {@link DestinationException}: an interrupt is a timeout,
     * or the uploader closing; anything not already classified may pass.
     */
    static DestinationException classify(Throwable e, boolean interrupted, boolean closing, Duration timeout) {
        if (e instanceof DestinationException d) return d;
        if (closing && interrupted) return DestinationException.retryable("interrupted: the uploader is closing", 0, e);
        if (interrupted || e instanceof InterruptedIOException || e instanceof ClosedByInterruptException) {
            return DestinationException.retryable("timed out after " + timeout.toMillis() + " ms", 0, e);
        }
        String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        return DestinationException.retryable(what, 0, e);
    }
}

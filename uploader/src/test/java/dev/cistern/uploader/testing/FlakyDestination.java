package dev.cistern.uploader.testing;

import dev.cistern.spool.SegmentName;
import dev.cistern.uploader.Destination;
import dev.cistern.uploader.DestinationException;
import dev.cistern.uploader.UploadItem;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real destination (usually a directory) with failures injected in front of it, for policy
 * tests. The S3 and presigned tests inject failures at the HTTP level instead.
 */
public final class FlakyDestination implements Destination {
    public enum Fault { NONE, RETRYABLE, PERMANENT, HANG, SOURCE_VANISHES }

    private final Destination real;
    private volatile Fault fault = Fault.NONE;
    private volatile int faultsLeft = Integer.MAX_VALUE;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger concurrent = new AtomicInteger();
    private final AtomicInteger maxConcurrent = new AtomicInteger();
    private volatile long putDelayMillis;

    public FlakyDestination(Destination real) {
        this.real = real;
    }

    /** Fails every call this way from now on. */
    public FlakyDestination fail(Fault f) {
        return fail(f, Integer.MAX_VALUE);
    }

    /** Fails the next {@code times} calls this way, then passes them through. */
    public FlakyDestination fail(Fault f, int times) {
        this.fault = f;
        this.faultsLeft = times;
        return this;
    }

    /** Each put takes at least this long (to observe concurrency). */
    public FlakyDestination slow(long millis) {
        this.putDelayMillis = millis;
        return this;
    }

    public int calls() { return calls.get(); }
    public int maxConcurrent() { return maxConcurrent.get(); }

    @Override
    public String name() { return real.name(); }

    @Override
    public String keyFor(SegmentName segment) { return real.keyFor(segment); }

    @Override
    public void put(UploadItem item) throws IOException {
        calls.incrementAndGet();
        int now = concurrent.incrementAndGet();
        maxConcurrent.accumulateAndGet(now, Math::max);
        try {
            Fault f = next();
            switch (f) {
                case RETRYABLE -> throw DestinationException.retryable("injected: HTTP 503 Slow Down", 503, null);
                case PERMANENT -> throw DestinationException.permanent("injected: HTTP 403 AccessDenied", 403, null);
                case HANG -> sleep(600_000);
                case SOURCE_VANISHES -> {
                    // as if retention dropped the file while it was being read
                    java.nio.file.Files.delete(item.file());
                    throw new IOException("cannot read " + item.file());
                }
                case NONE -> { }
            }
            if (putDelayMillis > 0) sleep(putDelayMillis);
            real.put(item);
        } finally {
            concurrent.decrementAndGet();
        }
    }

    private synchronized Fault next() {
        if (fault == Fault.NONE || faultsLeft <= 0) return Fault.NONE;
        faultsLeft--;
        return fault;
    }

    private static void sleep(long millis) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new InterruptedIOException("interrupted");
        }
    }

    @Override
    public void close() throws IOException {
        real.close();
    }
}

package dev.cistern.agent.remotewrite;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * Lets one applier lane at a time decode a big journaled body again (its rows were not handed over: a restart, or
 * rows too big for the hand-off). Each such body was admitted within the HTTP front's in-flight budget; two lanes
 * decoding two of them at once, next to the requests in flight, could take twice that. Small bodies, which a reader
 * decodes in the buffers it keeps anyway, go side by side.
 */
public final class ReplayGate {
    /** Decodes that allocate less than this run side by side. */
    static final long SMALL_BYTES = 1 << 20;

    private final ReentrantLock lock = new ReentrantLock();

    /** A lane's pass for one entry: charge it as the reader allocates ({@link WriteRequestReader#read(byte[], LongConsumer)}). */
    public Pass pass() {
        return new Pass();
    }

    /** Takes the gate once its charges pass {@link #SMALL_BYTES}, and gives it back when closed (after the rows are written). */
    public final class Pass implements LongConsumer, AutoCloseable {
        private long bytes;

        private Pass() {}

        @Override
        public void accept(long n) {
            bytes += n;
            if (bytes > SMALL_BYTES && !lock.isHeldByCurrentThread()) lock.lock();
        }

        /** Whether this pass holds the gate (for tests). */
        boolean holds() {
            return lock.isHeldByCurrentThread();
        }

        @Override
        public void close() {
            if (lock.isHeldByCurrentThread()) lock.unlock();
        }
    }
}

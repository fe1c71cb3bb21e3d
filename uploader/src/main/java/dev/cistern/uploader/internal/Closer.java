package dev.cistern.uploader.internal;

import java.io.IOException;

/** Closes several things in order, each even when an earlier one failed, and reports the first failure. */
public final class Closer {
    /** One thing to close. */
    @FunctionalInterface
    public interface Step {
        void close() throws IOException;
    }

    private IOException first;

    public void close(Step step) {
        try {
            step.close();
        } catch (IOException e) {
            if (first == null) first = e;
        }
    }

    /** Throws the first failure, if any. */
    public void rethrow() throws IOException {
        if (first != null) throw first;
    }
}

package dev.cistern.cli;

import java.io.PrintStream;

/** A one-line progress bar on stderr, shown only on a terminal and only for long work. */
final class Progress implements AutoCloseable {
    private final PrintStream err = System.err;
    private final String label;
    private final long total;
    private final boolean show;
    private long done;
    private long lastDraw;

    Progress(String label, long total, long minTotalToShow) {
        this.label = label;
        this.total = total;
        this.show = System.console() != null && total >= minTotalToShow;
    }

    void step() {
        done++;
        if (!show) return;
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && done < total) return;
        lastDraw = now;
        int width = 30;
        int filled = (int) (width * done / Math.max(1, total));
        err.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
        err.flush();
    }

    @Override
    public void close() {
        if (show) err.println();
    }
}

package dev.cistern.spool;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines without a String per line. After {@link #next()} returns true,
 * the line (without its newline) is {@code array()[offset() .. offset()+length())}, valid until
 * the next call. Bytes after the last newline are a partial line, reported by {@link #tailBytes()}.
 */
final class LineReader {
    /** A line longer than this is treated as corruption rather than buffered without bound. */
    static final int MAX_LINE = 64 << 20;

    private final InputStream in;
    private byte[] buf = new byte[1 << 16];
    private int start;
    private int end;
    private int scanFrom;
    private int lineOffset;
    private int lineLength;
    private boolean eof;

    LineReader(InputStream in) {
        this.in = in;
    }

    boolean next() throws IOException {
        while (true) {
            for (int i = scanFrom; i < end; i++) {
                if (buf[i] == '\n') {
                    lineOffset = start;
                    lineLength = i - start;
                    start = i + 1;
                    scanFrom = start;
                    return true;
                }
            }
            scanFrom = end;
            if (eof) return false;
            fill();
        }
    }

    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            scanFrom -= start;
            start = 0;
        }
        if (end == buf.length) {
            if (buf.length >= MAX_LINE) throw new IOException("line longer than " + MAX_LINE + " bytes");
            buf = Arrays.copyOf(buf, Math.min(MAX_LINE, buf.length * 2));
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) eof = true;
        else end += n;
    }

    byte[] array() { return buf; }
    int offset() { return lineOffset; }
    int length() { return lineLength; }

    /** Bytes read after the last complete line (a torn tail), once {@link #next()} has returned false. */
    int tailBytes() {
        return end - start;
    }
}

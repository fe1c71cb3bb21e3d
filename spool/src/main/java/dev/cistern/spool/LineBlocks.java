package dev.cistern.spool;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a decoded stream in blocks of whole lines, so the read path can write, count or search many
 * rows at once. After {@link #next()} returns true, {@code array()[start() .. end())} holds one or
 * more complete lines, each ending in its newline, valid until the next call. Bytes after the last
 * newline are a partial line, reported by {@link #tailBytes()}.
 */
final class LineBlocks {
    static final int BLOCK = 1 << 18;

    private final InputStream in;
    private byte[] buf;
    private int start;
    private int end; // end of the block handed out; [end, filled) is the partial line carried over
    private int filled;
    private boolean eof;
    private IOException failure; // thrown once the lines decoded before it are handed out

    LineBlocks(InputStream in) {
        this(in, new byte[BLOCK]);
    }

    /** Reads into {@code buffer} (grown when a line does not fit). */
    LineBlocks(InputStream in, byte[] buffer) {
        this.in = in;
        this.buf = buffer;
    }

    /**
     * Goes on in {@code fresh} (or a larger array when the partial line does not fit), so the block handed
     * out stays as it is for another thread to read; returns the array now in use.
     */
    byte[] carryInto(byte[] fresh) {
        int carried = filled - end;
        byte[] next = fresh.length >= carried && fresh.length >= BLOCK ? fresh : new byte[Math.max(BLOCK, buf.length)];
        System.arraycopy(buf, end, next, 0, carried);
        buf = next;
        filled = carried;
        start = 0;
        end = 0;
        return next;
    }

    /** The next block of whole lines; false at the end of the stream. */
    boolean next() throws IOException {
        if (failure != null) throw failure;
        int carried = filled - end;
        System.arraycopy(buf, end, buf, 0, carried);
        filled = carried;
        start = 0;
        end = 0;
        int searchedTo = 0;
        while (!eof) {
            if (filled == buf.length) {
                if (end > 0) return true; // full, and it holds whole lines
                if (buf.length >= LineReader.MAX_LINE) throw new IOException("line longer than " + LineReader.MAX_LINE + " bytes");
                buf = Arrays.copyOf(buf, Math.min(LineReader.MAX_LINE, buf.length * 2));
            }
            int n;
            try {
                n = in.read(buf, filled, buf.length - filled);
            } catch (IOException e) {
                if (end == 0) throw e;
                failure = e;
                return true;
            }
            if (n < 0) {
                eof = true;
            } else {
                filled += n;
                int nl = Bytes.lastIndexOf(buf, searchedTo, filled, (byte) '\n');
                if (nl >= 0) end = nl + 1;
                searchedTo = filled;
            }
        }
        return end > 0;
    }

    byte[] array() { return buf; }
    int start() { return start; }
    int end() { return end; }

    /** Bytes read after the last complete line (a torn tail), once {@link #next()} has returned false. */
    int tailBytes() {
        return filled - end;
    }
}

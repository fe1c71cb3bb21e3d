package dev.cistern.agent.remotewrite;

/** Prometheus' name rules, on raw bytes: label names {@code [a-zA-Z_][a-zA-Z0-9_]*}, metric names {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. */
final class PromNames {
    private static final boolean[] WORD = new boolean[256];

    static {
        for (int c = 'a'; c <= 'z'; c++) WORD[c] = true;
        for (int c = 'A'; c <= 'Z'; c++) WORD[c] = true;
        for (int c = '0'; c <= '9'; c++) WORD[c] = true;
        WORD['_'] = true;
    }

    private PromNames() {}

    static boolean isLabelName(byte[] b, int off, int len) {
        if (len <= 0 || isDigit(b[off])) return false;
        for (int i = off, end = off + len; i < end; i++) {
            if (!WORD[b[i] & 0xff]) return false;
        }
        return true;
    }

    static boolean isMetricName(byte[] b, int off, int len) {
        if (len <= 0 || isDigit(b[off])) return false;
        for (int i = off, end = off + len; i < end; i++) {
            if (!WORD[b[i] & 0xff] && b[i] != ':') return false;
        }
        return true;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }
}

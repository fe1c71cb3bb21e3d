package dev.cistern.spool;

/**
 * A quoted string value to find as the value of a given key ({@code "container":"istio-proxy"},
 * blanks allowed around the colon), for rows with no escape in them: such a row can only have the
 * member if its bytes spell it so. A row is then read field by field only where the value sits after
 * its key, not wherever the value appears (in another label, in a longer value: the needle holds
 * both quotes).
 */
final class KeyedValue {
    private final byte[] key;
    private Needle value;

    KeyedValue(byte[] key, Needle quotedValue) {
        this.key = key.clone();
        this.value = quotedValue;
    }

    Needle value() {
        return value;
    }

    /** Probes the value at its rarest bytes by {@link Needle#byteCounts}. */
    void tuneTo(int[] byteCounts) {
        value = value.tunedTo(byteCounts);
    }

    /** Whether {@code b[from, to)} holds the value right after its key and a colon. */
    boolean in(byte[] b, int from, int to) {
        for (int at = value.find(b, from, to); at >= 0; at = value.find(b, at + 1, to)) {
            if (keyedAt(b, from, at)) return true;
        }
        return false;
    }

    /** Whether the value found at {@code at} follows {@code "key"}, a colon and blanks, all at or after {@code from}. */
    boolean keyedAt(byte[] b, int from, int at) {
        int i = skipBlanksBack(b, from, at - 1);
        if (i < from || b[i] != ':') return false;
        i = skipBlanksBack(b, from, i - 1);
        int keyStart = i - key.length; // the key's opening quote
        if (keyStart - 1 < from || b[i] != '"' || b[keyStart - 1] != '"') return false;
        for (int j = 0; j < key.length; j++) if (b[keyStart + j] != key[j]) return false;
        return true;
    }

    private static int skipBlanksBack(byte[] b, int from, int i) {
        while (i >= from && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) i--;
        return i;
    }
}

package dev.cistern.agent.remotewrite;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A Remote-Write 2.0 request's symbols table, as byte ranges of the body (each checked UTF-8 once),
 * and the reference lists that point into it. A reference is checked before it is used: in range,
 * in pairs, no empty label name; each breach is a 400 saying which series and which reference.
 */
final class V2Symbols {
    private int[] at = new int[256];
    private int[] len = new int[256];
    private int count;
    private byte[] b;

    void clear(byte[] body) {
        b = body;
        count = 0;
    }

    /** Adds the symbol field {@code in} is at (its tag read). */
    void add(CodedInputStream in, int end) throws IOException {
        int n = WriteRequestWire.length(in, end);
        int p = in.getTotalBytesRead();
        if (!Utf8Validation.isValid(b, p, n)) {
            throw InvalidWriteRequestException.malformed("invalid_utf8", "symbol " + count + " is not valid UTF-8");
        }
        if (count == at.length) {
            at = Arrays.copyOf(at, count * 2);
            len = Arrays.copyOf(len, count * 2);
        }
        at[count] = p;
        len[count] = n;
        count++;
        in.skipRawBytes(n);
    }

    /** The spec's rule: a table that is not empty starts with the empty string (so a ref of 0 means "none"). */
    void checkFirst() {
        if (count > 0 && len[0] != 0) {
            throw InvalidWriteRequestException.malformed("invalid_symbols", "symbols[0] must be the empty string, is not");
        }
    }

    int count() {
        return count;
    }

    int at(int ref) {
        return at[ref];
    }

    int length(int ref) {
        return len[ref];
    }

    String string(int ref) {
        return new String(b, at[ref], len[ref], StandardCharsets.UTF_8);
    }

    boolean equals(int ref, byte[] ascii) {
        return len[ref] == ascii.length && Arrays.equals(b, at[ref], at[ref] + len[ref], ascii, 0, ascii.length);
    }

    /** Checks one reference, {@code what} saying where it is for the 400. */
    void check(long ref, String what) {
        if (ref < 0 || ref >= count) {
            throw InvalidWriteRequestException.malformed("invalid_symbol_ref", what + " refers to symbol " + ref + " of " + count);
        }
    }

    /** Checks a labels_refs list: pairs, in range, no empty name. */
    void checkLabels(Refs refs, String what) {
        if (refs.size % 2 != 0) {
            throw InvalidWriteRequestException.malformed("invalid_symbol_ref",
                    what + " has an odd number of label refs (" + refs.size + ")");
        }
        for (int i = 0; i < refs.size; i++) check(refs.get(i), what + " label ref " + i);
        for (int i = 0; i < refs.size; i += 2) {
            if (len[(int) refs.get(i)] == 0) {
                throw InvalidWriteRequestException.malformed("invalid_labels", what + " has a label with an empty name (ref " + i + ")");
            }
        }
    }

    /** A list of references (unsigned 32-bit) as read: packed or one per field. */
    static final class Refs {
        private long[] v = new long[32];
        int size;

        void clear() {
            size = 0;
        }

        long get(int i) {
            return v[i];
        }

        void read(CodedInputStream in, boolean packed) throws IOException {
            if (!packed) {
                add(Integer.toUnsignedLong(in.readUInt32()));
                return;
            }
            int limit = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) add(Integer.toUnsignedLong(in.readUInt32()));
            in.popLimit(limit);
        }

        private void add(long ref) {
            if (size == v.length) v = Arrays.copyOf(v, size * 2);
            v[size++] = ref;
        }
    }
}

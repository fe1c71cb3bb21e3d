package dev.cistern.agent.remotewrite;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A Remote-Write 2.0 request's symbols table, as byte ranges of the body with their ids across requests
 * ({@link V2SymbolIds}: a symbol seen before is not checked for UTF-8 again), and the reference lists that point
 * into it. A reference is checked before it is used: in range, in pairs, no empty label name; each breach is a 400
 * saying which series and which reference.
 */
final class V2Symbols {
    private int[] at = new int[256];
    private int[] len = new int[256];
    private long[] ids = new long[256];
    private long[] codes = new long[256]; // see code()
    private String[] strings = new String[256]; // decoded once per request, on first use
    private int count;
    private byte[] b;
    private final V2SymbolIds interned;

    V2Symbols(V2SymbolIds interned) {
        this.interned = interned;
    }

    void clear(byte[] body) {
        Arrays.fill(strings, 0, count, null);
        b = body;
        count = 0;
    }

    /**
     * Adds every symbol of the Request {@code b[0, end)}, wherever its symbols fields are: the usual fields (symbols and
     * TimeSeries, lengths in range) are stepped over in the bytes, from the first other one on a stream reads them.
     */
    void addAll(byte[] b, int end) throws IOException {
        int p = 0;
        while (p < end && (b[p] == WriteV2Wire.REQUEST_SYMBOLS || b[p] == WriteV2Wire.REQUEST_TIMESERIES)) {
            long field = WriteV2Wire.lengthAt(b, p + 1, end);
            if (field < 0) break; // the stream says what is wrong
            int q = (int) field;
            int n = (int) (field >>> 32);
            if (b[p] == WriteV2Wire.REQUEST_SYMBOLS) add(q, n);
            p = q + n;
        }
        if (p == end) return;
        CodedInputStream in = CodedInputStream.newInstance(b, 0, end);
        in.skipRawBytes(p);
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == WriteV2Wire.REQUEST_SYMBOLS) {
                int n = WriteRequestWire.length(in, end);
                add(in.getTotalBytesRead(), n);
                in.skipRawBytes(n);
            } else {
                WriteRequestWire.skip(in, tag);
            }
        }
    }

    /** Adds the symbol {@code b[p, p + n)}. */
    private void add(int p, int n) {
        long id = interned.id(b, p, n);
        if (id == V2SymbolIds.INVALID) {
            throw InvalidWriteRequestException.malformed("invalid_utf8", "symbol " + count + " is not valid UTF-8");
        }
        if (count == at.length) {
            at = Arrays.copyOf(at, count * 2);
            len = Arrays.copyOf(len, count * 2);
            ids = Arrays.copyOf(ids, count * 2);
            codes = Arrays.copyOf(codes, count * 2);
            strings = Arrays.copyOf(strings, count * 2);
        }
        ids[count] = id;
        codes[count] = code(id, n == 0);
        at[count] = p;
        len[count] = n;
        count++;
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

    /** The symbol's id across requests ({@link V2SymbolIds}). */
    long id(int ref) {
        return ids[ref];
    }

    /** Set in a {@link #code} when the symbol is empty (not a label name then). */
    static final long EMPTY = 1L << 60;
    /** A {@link #code} when the id takes more than 6 bytes as a varint (not before 2^42 symbols were interned). */
    static final long LONG_ID = 1L << 61;

    /**
     * The symbol's id as its varint bytes (little-endian, at most 6), their count in bits 56-59, and {@link #EMPTY}: what a
     * key needs of a ref in one load, written with one 8-byte store.
     */
    long code(int ref) {
        return codes[ref];
    }

    private static long code(long id, boolean empty) {
        if (id >= 1L << 42) return LONG_ID | (empty ? EMPTY : 0);
        long bytes = 0;
        int n = 0;
        for (long v = id; ; v >>>= 7, n++) {
            if (v < 0x80) {
                bytes |= v << (8 * n);
                break;
            }
            bytes |= ((v & 0x7f) | 0x80) << (8 * n);
        }
        return bytes | (long) (n + 1) << 56 | (empty ? EMPTY : 0);
    }

    String string(int ref) {
        String s = strings[ref];
        if (s == null) strings[ref] = s = new String(b, at[ref], len[ref], StandardCharsets.UTF_8);
        return s;
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

    /** Whether {@code ref} is in the table (no string made for the error when it is). */
    boolean has(long ref) {
        return ref >= 0 && ref < count;
    }

    /**
     * Checks a labels_refs list: pairs, in range, no empty name. {@code series} and {@code exemplar} (-1: the series'
     * own labels) say where it is for the 400; the words are only made for a breach.
     */
    void checkLabels(Refs refs, int series, long exemplar) {
        if (refs.size % 2 != 0) {
            throw InvalidWriteRequestException.malformed("invalid_symbol_ref",
                    where(series, exemplar) + " has an odd number of label refs (" + refs.size + ")");
        }
        for (int i = 0; i < refs.size; i++) {
            if (!has(refs.get(i))) check(refs.get(i), where(series, exemplar) + " label ref " + i);
        }
        for (int i = 0; i < refs.size; i += 2) {
            if (len[(int) refs.get(i)] == 0) {
                throw InvalidWriteRequestException.malformed("invalid_labels",
                        where(series, exemplar) + " has a label with an empty name (ref " + i + ")");
            }
        }
    }

    static String where(int series, long exemplar) {
        return exemplar < 0 ? "series " + series : "series " + series + " exemplar " + exemplar;
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

        /** Adds the refs of a packed field's bytes {@code b[from, from + n)}, as {@link #read} would. */
        void decode(byte[] b, int from, int n) throws IOException {
            if (size + n > v.length) v = Arrays.copyOf(v, Math.max(size + n, v.length * 2)); // a ref takes a byte at least
            int p = from;
            int end = from + n;
            while (p < end) {
                if (b[p] >= 0) { // most refs: one byte
                    v[size++] = b[p++];
                    continue;
                }
                long ref = 0;
                for (int shift = 0; ; shift += 7) { // up to 10 bytes, the low 32 bits kept, as CodedInputStream.readUInt32
                    if (p == end || shift == 70) throw new InvalidProtocolBufferException("a label ref is not a whole varint");
                    byte x = b[p++];
                    if (shift < 32) ref |= (long) (x & 0x7f) << shift;
                    if (x >= 0) break;
                }
                v[size++] = ref & 0xFFFFFFFFL;
            }
        }

        private void add(long ref) {
            if (size == v.length) v = Arrays.copyOf(v, size * 2);
            v[size++] = ref;
        }
    }
}

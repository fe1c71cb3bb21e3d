package dev.cistern.agent.remotewrite;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire tags of remote_write's WriteRequest (field numbers as in remote_write.proto) and the
 * few steps shared by the code that walks it without building message objects.
 */
final class WriteRequestWire {
    private WriteRequestWire() {}

    private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;

    static final int REQUEST_TIMESERIES = tag(1, LEN);
    static final int REQUEST_METADATA = tag(3, LEN);
    static final int SERIES_LABELS = tag(1, LEN);
    static final int SERIES_SAMPLES = tag(2, LEN);
    static final int SERIES_EXEMPLARS = tag(3, LEN);
    static final int SERIES_HISTOGRAMS = tag(4, LEN);
    static final int LABEL_NAME = tag(1, LEN);
    static final int LABEL_VALUE = tag(2, LEN);
    static final int SAMPLE_VALUE = tag(1, WireFormat.WIRETYPE_FIXED64);
    static final int SAMPLE_TIMESTAMP = tag(2, WireFormat.WIRETYPE_VARINT);
    static final int EXEMPLAR_LABELS = tag(1, LEN);
    static final int EXEMPLAR_VALUE = tag(2, WireFormat.WIRETYPE_FIXED64);
    static final int EXEMPLAR_TIMESTAMP = tag(3, WireFormat.WIRETYPE_VARINT);
    static final int METADATA_TYPE = tag(1, WireFormat.WIRETYPE_VARINT);
    static final int METADATA_FAMILY_NAME = tag(2, LEN);
    static final int METADATA_HELP = tag(4, LEN);
    static final int METADATA_UNIT = tag(5, LEN);

    private static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }

    /**
     * Reads a length prefix and returns it, checked against what is left of the enclosing message
     * and of the buffer ({@code end}: the buffer's length; the stream starts at offset 0).
     */
    static int length(CodedInputStream in, int end) throws IOException {
        int n = in.readRawVarint32();
        int left = in.getBytesUntilLimit();
        if (n < 0 || n > end - in.getTotalBytesRead() || (left >= 0 && n > left)) {
            throw new InvalidProtocolBufferException("a field's length runs past the end of its message");
        }
        return n;
    }

    /** Enters an embedded message: returns the limit to give back to {@link CodedInputStream#popLimit}. */
    static int enter(CodedInputStream in, int end) throws IOException {
        return in.pushLimit(length(in, end));
    }

    /**
     * The value of a varint that fills exactly {@code b[from, to)} with at most 9 bytes (so it is
     * not negative), or -1 when those bytes are not that. For fast paths over the usual shapes.
     */
    static long wholeVarint(byte[] b, int from, int to) {
        int n = to - from;
        if (n < 1 || n > 9 || b[to - 1] < 0) return -1;
        long v = 0;
        for (int i = 0; i < n; i++) {
            byte x = b[from + i];
            if (i < n - 1 && x >= 0) return -1; // every byte but the last carries the continuation bit
            v |= (long) (x & 0x7f) << (7 * i);
        }
        return v;
    }

    /** Skips a field we do not read, as the generated parser would keep it as unknown. */
    static void skip(CodedInputStream in, int tag) throws IOException {
        if (!in.skipField(tag)) throw new InvalidProtocolBufferException("an end-group tag with no group open");
    }

    /** Decodes label fields into a series: the first {@code __name__} is the name, the rest labels. */
    static SeriesCache.Entry series(byte[] k, int off, int len, WriteRequestReader.SeriesMaker maker) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(k, off, len);
        String name = null;
        List<String> kv = new ArrayList<>();
        while (in.readTag() != 0) {
            int limit = enter(in, len);
            String lk = "";
            String lv = "";
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (tag == LABEL_NAME) lk = in.readStringRequireUtf8();
                else if (tag == LABEL_VALUE) lv = in.readStringRequireUtf8();
                else skip(in, tag);
            }
            in.popLimit(limit);
            if (name == null && lk.equals("__name__")) {
                name = lv;
            } else {
                kv.add(lk);
                kv.add(lv);
            }
        }
        if (name == null) throw new InvalidProtocolBufferException("a series with samples has no __name__ label");
        return maker.make(name, LabelOrder.sorted(kv.toArray(new String[0])));
    }

    /** A varint of 10 bytes carries 64 bits only if its last byte is 0 or 1: more is malformed, as Prometheus' decoder says. */
    static long timestamp(CodedInputStream in, byte[] b) throws IOException {
        int at = in.getTotalBytesRead();
        long v = in.readRawVarint64();
        if (in.getTotalBytesRead() - at == 10 && (b[at + 9] & 0xff) > 1) {
            throw InvalidWriteRequestException.malformed("malformed_protobuf",
                    "body is not a remote_write WriteRequest: a timestamp's 10-byte varint overflows 64 bits");
        }
        return v;
    }
}

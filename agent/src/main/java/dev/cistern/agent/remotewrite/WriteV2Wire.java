package dev.cistern.agent.remotewrite;

import com.google.protobuf.WireFormat;

/** The wire tags of Remote-Write 2.0's {@code io.prometheus.write.v2.Request} (field numbers as in remote_write_v2.proto). */
final class WriteV2Wire {
    private WriteV2Wire() {}

    private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int VARINT = WireFormat.WIRETYPE_VARINT;
    private static final int FIXED64 = WireFormat.WIRETYPE_FIXED64;

    static final int REQUEST_SYMBOLS = 4 << 3 | LEN;
    static final int REQUEST_TIMESERIES = 5 << 3 | LEN;
    /** {@code labels_refs} of a TimeSeries or an Exemplar: packed, or one varint per field. */
    static final int REFS_PACKED = 1 << 3 | LEN;
    static final int REFS_ONE = 1 << 3 | VARINT;
    static final int SERIES_SAMPLES = 2 << 3 | LEN;
    static final int SERIES_HISTOGRAMS = 3 << 3 | LEN;
    static final int SERIES_EXEMPLARS = 4 << 3 | LEN;
    static final int SERIES_METADATA = 5 << 3 | LEN;
    static final int SERIES_CREATED = 6 << 3 | VARINT;
    static final int SAMPLE_VALUE = 1 << 3 | FIXED64;
    static final int SAMPLE_TIMESTAMP = 2 << 3 | VARINT;
    static final int EXEMPLAR_VALUE = 2 << 3 | FIXED64;
    static final int EXEMPLAR_TIMESTAMP = 3 << 3 | VARINT;
    static final int METADATA_TYPE = 1 << 3 | VARINT;
    static final int METADATA_HELP = 3 << 3 | VARINT;
    static final int METADATA_UNIT = 4 << 3 | VARINT;

    /**
     * The length of the length-delimited field whose length prefix starts at {@code b[q]} (at most 4 bytes) and where its
     * bytes start, as {@code length << 32 | start}; or -1 when that is not a length whose bytes end by {@code end}.
     */
    static long lengthAt(byte[] b, int q, int end) {
        int v = 0;
        for (int shift = 0; q < end && shift < 28; shift += 7) {
            byte x = b[q++];
            v |= (x & 0x7f) << shift;
            if (x >= 0) return v <= end - q ? (long) v << 32 | q : -1;
        }
        return -1;
    }
}

package dev.cistern.uploader;

import dev.cistern.spool.SegmentName;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an object says about itself to whoever reads it from the bucket: NDJSON as its type, the codec as its
 * {@code Content-Encoding} (so an HTTP client that fetches it decodes it transparently), and as metadata its rows,
 * first and last event time and checksums (a query engine's loader or an audit can use them without decoding).
 */
public final class ObjectHeaders {
    public static final String NDJSON = "application/x-ndjson";
    public static final String META_STREAM = "cistern-stream";
    public static final String META_ROWS = "cistern-rows";
    public static final String META_FIRST_EVENT_MS = "cistern-first-event-ms";
    public static final String META_LAST_EVENT_MS = "cistern-last-event-ms";

    private ObjectHeaders() {}

    /** NDJSON for a segment, else opaque bytes. */
    public static String contentType(UploadItem item) {
        return item.segment() != null ? NDJSON : "application/octet-stream";
    }

    /** The HTTP content coding of a segment's codec (br, zstd, gzip); null for a file that is not a segment. */
    public static String contentEncoding(UploadItem item) {
        return item.segment() == null ? null : item.segment().codec().contentEncoding();
    }

    /** The segment's rows and event-time range, and the checksums the uploader verified it with. */
    public static Map<String, String> metadata(UploadItem item) {
        Map<String, String> m = new LinkedHashMap<>();
        SegmentName s = item.segment();
        if (s != null) {
            m.put(META_STREAM, s.stream());
            m.put(META_ROWS, Long.toString(s.rows()));
            m.put(META_FIRST_EVENT_MS, Long.toString(s.minTs()));
            m.put(META_LAST_EVENT_MS, Long.toString(s.maxTs()));
        }
        if (item.checksum() != null) m.putAll(item.checksum().metadata());
        return m;
    }
}

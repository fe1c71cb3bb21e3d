package dev.cistern.agent.journal;

/**
 * One accepted request as journaled: what it is, its stream (NDJSON), and its validated payload
 * of {@code length} bytes ({@code payload} is null when the reader was asked not to copy it).
 * {@code kind} is null for a damaged entry: torn by a fault while it was written (never acknowledged), or
 * changed on disk since (its checksum does not match).
 */
public record JournalEntry(long index, Kind kind, String stream, byte[] payload, int length) {

    public JournalEntry(long index, Kind kind, String stream, byte[] payload) {
        this(index, kind, stream, payload, payload.length);
    }

    public enum Kind {
        /** A remote_write body as received: snappy block-compressed protobuf WriteRequest. */
        REMOTE_WRITE(1),
        /** Decompressed NDJSON, every line already validated. */
        NDJSON(2),
        /** No rows: appended only to roll the journal into a new cycle so the old one can be released ({@link Journal#rollIfSealed}). */
        TICK(3),
        /** A Remote-Write 2.0 body as received (or cut by the drop policies): snappy-compressed io.prometheus.write.v2.Request. */
        REMOTE_WRITE_V2(4);

        final byte code;

        Kind(int code) {
            this.code = (byte) code;
        }

        /** The kind with this code, or null: an entry torn by a fault in the mapped file (a full disk). */
        static Kind of(byte code) {
            for (Kind k : values()) if (k.code == code) return k;
            return null;
        }
    }
}

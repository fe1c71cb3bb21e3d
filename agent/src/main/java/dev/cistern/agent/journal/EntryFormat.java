package dev.cistern.agent.journal;

import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;

/**
 * A journal entry's bytes, written and read in this one place: a marker byte ({@value #CHECKED}),
 * a CRC32C (int) of everything after it, then the body: kind code (1 byte), stream (Chronicle UTF-8
 * with a stop-bit length), payload length (int), payload. The checksum frames the body whatever its
 * kind, so new kinds need nothing here. Entries written before checksums (the body alone, starting
 * with a kind code, never {@value #CHECKED}) still read, unchecked.
 */
final class EntryFormat {
    /** First byte of a checksummed entry; no kind code takes it. */
    static final byte CHECKED = (byte) 0x7F;
    private static final int FRAME = 1 + 4;

    private EntryFormat() {}

    /** The most an entry can take: frame, kind, the stream's length and bytes at worst, the payload's length and bytes. */
    static long maxBytes(String stream, int payloadLength) {
        return FRAME + 1 + 5 + 3L * stream.length() + 4 + payloadLength;
    }

    static void write(Bytes<?> b, JournalEntry.Kind kind, String stream, byte[] payload, int off, int len) {
        b.writeByte(CHECKED);
        long crcAt = b.writePosition();
        b.writeInt(0);
        long body = b.writePosition();
        b.writeByte(kind.code);
        b.writeUtf8(stream);
        b.writeInt(len);
        long headEnd = b.writePosition();
        MappedCopy.write(b, payload, off, len);
        CRC32C crc = new CRC32C();
        for (long p = body; p < headEnd; p++) crc.update(b.readByte(p));
        crc.update(payload, off, len);
        b.writeInt(crcAt, (int) crc.getValue());
    }

    /**
     * An entry's fields; a damaged one (a checksum that does not match, an unknown kind, a length past
     * the entry's end) comes back with a null kind and nothing else. The checksum is checked when the
     * payload is copied out: an entry whose rows the caller has already is not read.
     */
    static JournalEntry read(long index, Bytes<?> b, JournalTailer.PayloadWanted wantPayload) {
        try {
            return readOrThrow(index, b, wantPayload);
        } catch (RuntimeException garbage) {
            return damaged(index); // a stream length or UTF-8 that does not parse
        }
    }

    private static JournalEntry readOrThrow(long index, Bytes<?> b, JournalTailer.PayloadWanted wantPayload) {
        byte first = b.readByte();
        boolean checked = first == CHECKED;
        int expected = 0;
        long body = b.readPosition();
        if (checked) {
            expected = b.readInt();
            body = b.readPosition();
            first = b.readByte();
        }
        JournalEntry.Kind kind = JournalEntry.Kind.of(first);
        if (kind == null) return damaged(index);
        String stream = b.readUtf8();
        int len = b.readInt();
        if (stream == null || len < 0 || len > b.readRemaining()) return damaged(index);
        if (!wantPayload.test(index, kind)) return new JournalEntry(index, kind, stream, null, len);
        long headEnd = b.readPosition();
        byte[] payload = new byte[len];
        b.read(payload);
        if (checked && (b.readRemaining() != 0 || crc(b, body, headEnd, payload) != expected)) return damaged(index);
        return new JournalEntry(index, kind, stream, payload);
    }

    private static int crc(Bytes<?> b, long from, long to, byte[] payload) {
        CRC32C crc = new CRC32C();
        for (long p = from; p < to; p++) crc.update(b.readByte(p));
        crc.update(payload);
        return (int) crc.getValue();
    }

    private static JournalEntry damaged(long index) {
        return new JournalEntry(index, null, "", new byte[0]);
    }
}

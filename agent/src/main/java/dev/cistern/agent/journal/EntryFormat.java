package dev.cistern.agent.journal;

import net.openhft.chronicle.bytes.Bytes;

/**
 * A journal entry's bytes, written and read in this one place: kind code (1 byte), stream
 * (Chronicle UTF-8 with a stop-bit length), payload length (int), payload.
 */
final class EntryFormat {
    private EntryFormat() {}

    /** The most an entry can take: kind, the stream's length and bytes at worst, the payload's length and bytes. */
    static long maxBytes(String stream, int payloadLength) {
        return 1 + 5 + 3L * stream.length() + 4 + payloadLength;
    }

    static void write(Bytes<?> b, JournalEntry.Kind kind, String stream, byte[] payload, int off, int len) {
        b.writeByte(kind.code);
        b.writeUtf8(stream);
        b.writeInt(len);
        b.write(payload, off, len);
    }

    /** An entry's fields; an unknown kind (a torn entry) comes back with a null kind and nothing else. */
    static JournalEntry read(long index, Bytes<?> b, JournalTailer.PayloadWanted wantPayload) {
        JournalEntry.Kind kind = JournalEntry.Kind.of(b.readByte());
        if (kind == null) return torn(index);
        String stream = b.readUtf8();
        int len = b.readInt();
        if (len < 0 || len > b.readRemaining()) return torn(index);
        if (!wantPayload.test(index, kind)) return new JournalEntry(index, kind, stream, null, len);
        byte[] payload = new byte[len];
        b.read(payload);
        return new JournalEntry(index, kind, stream, payload);
    }

    private static JournalEntry torn(long index) {
        return new JournalEntry(index, null, "", new byte[0]);
    }
}

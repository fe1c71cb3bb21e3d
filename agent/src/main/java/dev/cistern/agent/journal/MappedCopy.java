package dev.cistern.agent.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.core.UnsafeMemory;
import sun.misc.Unsafe;

/**
 * Copies a payload into the journal's mapped file in bulk. Chronicle copies a byte array into native memory with a
 * Java loop, a byte or a word at a time (so a safepoint can interrupt it); a payload of 100 KB took 2% of the agent's
 * CPU that way. Here it is one {@code Unsafe.copyMemory} (a memmove) per MiB, when the payload lies inside the chunk
 * already mapped for its first byte; else, and for anything but a mapped file, Chronicle's own write. Same bytes either way.
 */
final class MappedCopy {
    private static final Unsafe UNSAFE = UnsafeMemory.UNSAFE;
    private static final long BYTE_BASE = Unsafe.ARRAY_BYTE_BASE_OFFSET;
    /** Below this Chronicle's loop is as quick; above it the copy goes in slices, so a safepoint waits at most one. */
    private static final int MIN = 256;
    private static final int SLICE = 1 << 20;

    private MappedCopy() {}

    /** Writes {@code payload[off, off+len)} at {@code b}'s write position and moves it past them. */
    static void write(Bytes<?> b, byte[] payload, int off, int len) {
        if (len < MIN || off < 0 || len > payload.length - off || len > b.writeRemaining()) {
            b.write(payload, off, len); // and its checks, and its exceptions
            return;
        }
        long pos = b.writePosition();
        long address = b.addressForWrite(pos); // maps the chunk holding pos, if it is not the current one
        BytesStore<?, ?> store = b.bytesStore();
        if (!(store instanceof MappedBytesStore mapped) || !mapped.inside(pos, len)) {
            b.write(payload, off, len); // crosses into the next chunk: Chronicle maps it as it goes
            return;
        }
        for (int done = 0; done < len; done += SLICE) {
            int n = Math.min(SLICE, len - done);
            UNSAFE.copyMemory(payload, BYTE_BASE + off + done, null, address + done, n);
        }
        b.writeSkip(len);
    }
}

package dev.cistern.agent.journal;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The disk blocks behind a file, through Linux system calls (bound with JNA, which Chronicle brings).
 *
 * <p>Chronicle's cycle files are sparse and written through a memory mapping. A write into a page
 * with no block behind it needs one at that moment; on a full disk the kernel answers with SIGBUS,
 * which the JVM turns into an InternalError at some later instruction of the writing thread.
 * {@link #allocate} gets the blocks beforehand ({@code fallocate(2)}), where failing is clean:
 * ENOSPC. And since an 80 MiB cycle file may hold a few KiB, {@link #allocatedBytes} reports what
 * the file really takes ({@code statx(2)}).
 */
final class FileBlocks {
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int FALLOC_FL_KEEP_SIZE = 1;
    private static final int ENOSPC = 28;
    private static final int ENOSYS = 38;
    private static final int EOPNOTSUPP = 95;
    private static final int EDQUOT = 122;
    private static final int AT_FDCWD = -100;
    private static final int STATX_BLOCKS = 0x400;
    private static final int STATX_BUFFER = 256;
    private static final int STX_MASK_OFFSET = 0;
    private static final int STX_BLOCKS_OFFSET = 0x30;

    /** The libc calls used (statx needs glibc 2.28 or later). */
    public interface LibC extends Library {
        int open(String path, int flags);

        int fallocate(int fd, int mode, long offset, long length);

        int close(int fd);

        int statx(int dirfd, String path, int flags, int mask, Memory buf);
    }

    private static final LibC LIBC = load();

    private FileBlocks() {}

    private static LibC load() {
        if (!Platform.isLinux()) return null;
        try {
            return Native.load("c", LibC.class);
        } catch (LinkageError e) {
            return null;
        }
    }

    /** Whether blocks can be allocated here at all (Linux, libc bound). */
    static boolean available() {
        return LIBC != null;
    }

    /** The outcome of {@link #allocate}. */
    enum Result { ALLOCATED, NO_SPACE, UNSUPPORTED }

    /**
     * Allocates blocks for {@code [offset, offset + length)} of {@code file}, keeping its size.
     * NO_SPACE when the filesystem is full; UNSUPPORTED when the filesystem or platform cannot do
     * it. Any other failure is an IOException.
     */
    static Result allocate(Path file, long offset, long length) throws IOException {
        if (LIBC == null) return Result.UNSUPPORTED;
        int fd = LIBC.open(file.toString(), O_RDWR | O_CLOEXEC);
        if (fd < 0) throw new IOException("cannot open " + file + " to allocate its blocks (errno " + Native.getLastError() + ")");
        try {
            if (LIBC.fallocate(fd, FALLOC_FL_KEEP_SIZE, offset, length) == 0) return Result.ALLOCATED;
            int errno = Native.getLastError();
            if (errno == ENOSPC || errno == EDQUOT) return Result.NO_SPACE;
            if (errno == EOPNOTSUPP || errno == ENOSYS) return Result.UNSUPPORTED;
            throw new IOException("fallocate of " + file + " failed (errno " + errno + ")");
        } finally {
            LIBC.close(fd);
        }
    }

    /** Bytes allocated to {@code file}; its apparent size when that cannot be known; 0 when it is gone. */
    static long allocatedBytes(Path file) {
        if (LIBC != null) {
            try {
                Memory buf = new Memory(STATX_BUFFER);
                if (LIBC.statx(AT_FDCWD, file.toString(), 0, STATX_BLOCKS, buf) == 0
                        && (buf.getInt(STX_MASK_OFFSET) & STATX_BLOCKS) != 0) {
                    return buf.getLong(STX_BLOCKS_OFFSET) * 512;
                }
            } catch (UnsatisfiedLinkError oldLibc) {
                // no statx before glibc 2.28: the apparent size it is
            }
        }
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // released while we looked
        }
    }
}

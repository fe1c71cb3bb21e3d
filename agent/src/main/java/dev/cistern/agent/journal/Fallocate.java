package dev.cistern.agent.journal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Allocates the disk blocks of a file range with Linux {@code fallocate(2)}, keeping the file's
 * size. A write into a memory-mapped file over a hole needs a block at the moment of the write;
 * on a full disk the kernel answers with SIGBUS, which the JVM turns into an InternalError at some
 * later instruction of the writing thread. Blocks allocated beforehand cannot fail that way, and
 * allocating them fails cleanly, with ENOSPC.
 */
final class Fallocate {
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int FALLOC_FL_KEEP_SIZE = 1;
    private static final int ENOSPC = 28;
    private static final int EDQUOT = 122;

    /** The three libc calls, bound through JNA (already on the classpath with Chronicle). */
    public interface LibC extends Library {
        int open(String path, int flags);

        int fallocate(int fd, int mode, long offset, long length);

        int close(int fd);
    }

    private static final LibC LIBC = load();

    private Fallocate() {}

    private static LibC load() {
        if (!Platform.isLinux()) return null;
        try {
            return Native.load("c", LibC.class);
        } catch (LinkageError e) {
            return null;
        }
    }

    /** Whether fallocate can be called here at all (Linux, libc bound). */
    static boolean available() {
        return LIBC != null;
    }

    /** The outcome of one call. */
    enum Result { ALLOCATED, NO_SPACE, UNSUPPORTED }

    /**
     * Allocates blocks for {@code [offset, offset + length)} of {@code file}. NO_SPACE when the
     * filesystem is full (nothing is half-done that matters: blocks already allocated stay, unused);
     * UNSUPPORTED when the filesystem or platform cannot do it. Any other failure is an IOException.
     */
    static Result allocate(Path file, long offset, long length) throws IOException {
        if (LIBC == null) return Result.UNSUPPORTED;
        int fd = LIBC.open(file.toString(), O_RDWR | O_CLOEXEC);
        if (fd < 0) throw new IOException("cannot open " + file + " to allocate its blocks (errno " + Native.getLastError() + ")");
        try {
            if (LIBC.fallocate(fd, FALLOC_FL_KEEP_SIZE, offset, length) == 0) return Result.ALLOCATED;
            int errno = Native.getLastError();
            if (errno == ENOSPC || errno == EDQUOT) return Result.NO_SPACE;
            if (errno == 95 /* EOPNOTSUPP */ || errno == 38 /* ENOSYS */) return Result.UNSUPPORTED;
            throw new IOException("fallocate of " + file + " failed (errno " + errno + ")");
        } finally {
            LIBC.close(fd);
        }
    }
}

package dev.cistern.agent.journal;

import java.util.logging.Logger;
import net.openhft.chronicle.core.OS;
import net.openhft.posix.PosixAPI;

/**
 * Takes journal pages this process is done with out of its resident set: {@code madvise(MADV_DONTNEED)} on part of a
 * cycle file's mapping. Chronicle maps cycle files shared, and for a shared file mapping that only drops the pages from
 * this process's page tables: the page cache keeps them, dirty ones are written back as usual, and a later access maps
 * them again from the cache. Bound through openhft's posix library (JNR), which Chronicle loads anyway. Linux only;
 * where the binding is missing or a call fails, nothing is given back (said once, at INFO) and no caller sees an error.
 */
final class PageAdvice {
    private static final Logger LOG = Logger.getLogger(PageAdvice.class.getName());
    /** Linux's value (asm-generic/mman-common.h). */
    private static final int MADV_DONTNEED = 4;
    static final long PAGE = OS.pageSize();

    private static volatile PosixAPI posix = bind();

    private PageAdvice() {}

    private static PosixAPI bind() {
        if (!OS.isLinux()) return off("not on Linux");
        try {
            PosixAPI p = PosixAPI.posix();
            // the library falls back to a stand-in whose madvise does nothing when JNR cannot load
            if (p.getClass().getSimpleName().startsWith("NoOp")) return off("openhft posix has no native binding here");
            return p;
        } catch (Throwable t) { // LinkageError and the like: the write path must not see it
            return off(t.toString());
        }
    }

    private static PosixAPI off(String why) {
        LOG.info("journal pages stay resident in this process until Chronicle unmaps them (madvise unavailable: " + why + ")");
        return null;
    }

    /** Whether pages can be given back here. */
    static boolean available() {
        return posix != null;
    }

    /** Gives back {@code [address, address + length)}, page-aligned, of a shared file mapping the caller holds mapped. */
    static void dontNeed(long address, long length) {
        PosixAPI p = posix;
        if (p == null || length <= 0) return;
        if (address % PAGE != 0 || length % PAGE != 0) {
            failed("a range not page-aligned: " + address + "+" + length); // a bug of ours: off, and said
            return;
        }
        try {
            if (p.madvise(address, length, MADV_DONTNEED) != 0) failed("madvise: " + p.lastErrorStr());
        } catch (Throwable t) {
            failed(t.toString());
        }
    }

    private static void failed(String why) {
        if (posix == null) return;
        posix = null;
        off(why);
    }
}

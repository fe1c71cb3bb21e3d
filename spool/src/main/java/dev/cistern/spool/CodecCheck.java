package dev.cistern.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Whether a file's first bytes agree with the codec its suffix names. zstd and gzip streams start
 * with a magic number; Brotli has none, so a {@code .json.br} file disagrees only when it carries
 * one of theirs. A renamed file would otherwise be reported as damaged; this says what it is.
 */
final class CodecCheck {
    private CodecCheck() {}

    /** A {@link QuarantineReason#CODEC_MISMATCH} check of the file, or null when its start fits its suffix. */
    static SealTrailer.Check mismatch(FileChannel ch, Codec named, int fileCrc) throws IOException {
        String problem = problem(ch, named);
        return problem == null ? null : new SealTrailer.Check(null, fileCrc, QuarantineReason.CODEC_MISMATCH, problem);
    }

    /** What is wrong with the file's start for its named codec, or null. Reads at most 4 bytes from position 0. */
    static String problem(FileChannel ch, Codec named) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(4);
        while (head.hasRemaining() && ch.read(head, head.position()) > 0) {
            // a short read repeats at the next position
        }
        if (head.position() == 0) return null; // an empty file is reported as such elsewhere
        Codec found = Codec.sniff(head.array(), head.position());
        if (found == named) return null;
        if (found == Codec.BROTLI) {
            return "its name says " + named.configName() + " (" + named.suffix() + ") but it does not start with the "
                    + named.configName() + " magic number";
        }
        return "its name says " + named.configName() + " (" + named.suffix() + ") but its content is a "
                + found.configName() + " stream";
    }
}

package dev.cistern.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks that a sealed file is what its name says: a complete Brotli stream of JSON-object lines,
 * as many as the name counts, with the named uncompressed size and timestamps within the named range;
 * and, from format 2, that its bytes and decoded content match its {@link SealTrailer}.
 */
public final class Verifier {

    /**
     * The outcome for one file; {@code problem} is null when the file is sound. {@code rows} and
     * {@code decodedBytes} are what its content gave (the readable part of a damaged file), whatever the verdict.
     */
    public record Result(Path path, long rows, long decodedBytes, QuarantineReason reason, String problem) {
        public boolean ok() {
            return problem == null;
        }
    }

    /** What decoding a file found. */
    private static final class Content {
        long rows;
        long badLines;
        long decoded;
        long minTs = Long.MAX_VALUE;
        long maxTs = Long.MIN_VALUE;
        QuarantineReason reason;
        String problem;
    }

    private Verifier() {}

    public static Result verify(Path file) {
        SegmentName name = SegmentName.tryParse(file.getFileName().toString());
        if (name == null) return new Result(file, 0, 0, QuarantineReason.UNRECOGNISED_NAME, "not a sealed segment name");
        SealTrailer.Check seal = null;
        try {
            if (Files.size(file) == 0) return new Result(file, 0, 0, QuarantineReason.EMPTY, "zero-length file");
            if (SealTrailer.expected(name)) seal = SealTrailer.check(file);
        } catch (IOException e) {
            return new Result(file, 0, 0, QuarantineReason.UNDECODABLE, e.toString());
        }
        Content c = decode(file, name);
        if (seal != null && !seal.ok()) return new Result(file, c.rows, c.decoded, seal.reason(), seal.problem());
        if (c.problem == null) c.problem = nameProblem(name, c);
        return new Result(file, c.rows, c.decoded, c.problem == null ? null : c.reason, c.problem);
    }

    /** Decodes the whole file, counting and validating lines; a decoding or checksum problem is set on the result. */
    private static Content decode(Path file, SegmentName name) {
        Content c = new Content();
        try (SegmentDecoder in = new SegmentDecoder(file)) {
            LineReader lr = new LineReader(in);
            try {
                while (lr.next()) {
                    c.rows++;
                    try {
                        long ts = JsonLines.validate(lr.array(), lr.offset(), lr.length(), Long.MIN_VALUE);
                        if (ts != Long.MIN_VALUE) {
                            c.minTs = Math.min(c.minTs, ts);
                            c.maxTs = Math.max(c.maxTs, ts);
                        }
                    } catch (InvalidRowException e) {
                        c.badLines++;
                    }
                }
            } finally {
                c.decoded = in.decodedBytes();
            }
            if (lr.tailBytes() > 0) {
                c.reason = QuarantineReason.CONTENT_MISMATCH;
                c.problem = lr.tailBytes() + " bytes after the last newline";
            } else if ((c.problem = SealTrailer.contentProblem(file, name, in.contentCrc())) != null) {
                c.reason = QuarantineReason.CHECKSUM_MISMATCH;
            }
        } catch (SegmentDecoder.TruncatedException e) {
            c.reason = QuarantineReason.TRUNCATED;
            c.problem = e.getMessage();
        } catch (IOException e) {
            c.reason = QuarantineReason.UNDECODABLE;
            c.problem = e.getMessage();
        }
        return c;
    }

    /** Where content that decoded cleanly disagrees with the name, or null. */
    private static String nameProblem(SegmentName name, Content c) {
        c.reason = QuarantineReason.CONTENT_MISMATCH;
        if (c.badLines > 0) return c.badLines + " lines are not JSON objects";
        if (c.rows != name.rows()) return "name says " + name.rows() + " rows, file has " + c.rows;
        if (c.decoded != name.rawBytes()) return "name says " + name.rawBytes() + " bytes, file decodes to " + c.decoded;
        if (c.minTs != Long.MAX_VALUE && (c.minTs < name.minTs() || c.maxTs > name.maxTs())) {
            return "row timestamps " + c.minTs + ".." + c.maxTs + " fall outside the named range "
                    + name.minTs() + ".." + name.maxTs();
        }
        return null;
    }
}

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

    /** The outcome for one file; {@code problem} is null when the file is sound. */
    public record Result(Path path, long rows, QuarantineReason reason, String problem) {
        public boolean ok() {
            return problem == null;
        }
    }

    private Verifier() {}

    public static Result verify(Path file) {
        SegmentName name = SegmentName.tryParse(file.getFileName().toString());
        if (name == null) return new Result(file, 0, QuarantineReason.UNRECOGNISED_NAME, "not a sealed segment name");
        long[] rows = {0};
        long[] badLines = {0};
        long[] minMax = {Long.MAX_VALUE, Long.MIN_VALUE};
        long decoded;
        String sealProblem;
        try {
            if (Files.size(file) == 0) return new Result(file, 0, QuarantineReason.EMPTY, "zero-length file");
            if (SealTrailer.expected(name)) {
                SealTrailer.Check c = SealTrailer.check(file);
                if (!c.ok()) return new Result(file, 0, c.reason(), c.problem());
            }
            try (SegmentDecoder in = new SegmentDecoder(file)) {
                LineReader lr = new LineReader(in);
                while (lr.next()) {
                    rows[0]++;
                    try {
                        long ts = JsonLines.validate(lr.array(), lr.offset(), lr.length(), Long.MIN_VALUE);
                        if (ts != Long.MIN_VALUE) {
                            minMax[0] = Math.min(minMax[0], ts);
                            minMax[1] = Math.max(minMax[1], ts);
                        }
                    } catch (InvalidRowException e) {
                        badLines[0]++;
                    }
                }
                if (lr.tailBytes() > 0) {
                    return new Result(file, rows[0], QuarantineReason.CONTENT_MISMATCH, lr.tailBytes() + " bytes after the last newline");
                }
                decoded = in.decodedBytes();
                sealProblem = SealTrailer.contentProblem(file, name, in.contentCrc());
            }
        } catch (SegmentDecoder.TruncatedException e) {
            return new Result(file, rows[0], QuarantineReason.TRUNCATED, e.getMessage());
        } catch (IOException e) {
            return new Result(file, rows[0], QuarantineReason.UNDECODABLE, e.getMessage());
        }
        if (sealProblem != null) return new Result(file, rows[0], QuarantineReason.CHECKSUM_MISMATCH, sealProblem);
        String problem = null;
        if (badLines[0] > 0) problem = badLines[0] + " lines are not JSON objects";
        else if (rows[0] != name.rows()) problem = "name says " + name.rows() + " rows, file has " + rows[0];
        else if (decoded != name.rawBytes()) problem = "name says " + name.rawBytes() + " bytes, file decodes to " + decoded;
        else if (minMax[0] != Long.MAX_VALUE && (minMax[0] < name.minTs() || minMax[1] > name.maxTs())) {
            problem = "row timestamps " + minMax[0] + ".." + minMax[1] + " fall outside the named range "
                    + name.minTs() + ".." + name.maxTs();
        }
        return new Result(file, rows[0], problem == null ? null : QuarantineReason.CONTENT_MISMATCH, problem);
    }
}

package dev.cistern.spool;

/** Why a file was moved to {@code quarantine/}. */
public enum QuarantineReason {
    /** The name does not follow the segment or temp-file grammar. */
    UNRECOGNISED_NAME,
    /** A sealed file of zero bytes. */
    EMPTY,
    /** Not a valid stream of its codec, or trailing bytes after its end. */
    UNDECODABLE,
    /** A sealed file ends before its compressed stream does. */
    TRUNCATED,
    /** Decodes, but its lines are not JSON objects, or disagree with the counts in its name. */
    CONTENT_MISMATCH,
    /** A sealed file of format 2 or later without its seal trailer: truncated, extended or overwritten. */
    MISSING_CHECKSUM,
    /** The bytes or the decoded content disagree with the checksums in the file's seal trailer. */
    CHECKSUM_MISMATCH,
    /** Its suffix names one codec and its content is another (a renamed file). */
    CODEC_MISMATCH,
    /** A destination refused it for good. */
    REJECTED_BY_DESTINATION
}

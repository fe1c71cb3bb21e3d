package dev.cistern.uploader.log;

import java.util.Locale;

/** How one upload attempt ended, as written in the upload log. */
public enum UploadStatus {
    SUCCESS, FAILED, SKIPPED;

    /** The lowercase name used in the log and on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static UploadStatus parse(String s) {
        for (UploadStatus st : values()) {
            if (st.label().equalsIgnoreCase(s.strip())) return st;
        }
        throw new IllegalArgumentException("status must be success, failed or skipped, was '" + s + "'");
    }
}

package dev.cistern.uploader;

import java.util.Locale;

/** What happens to a sealed file once its destination confirmed the upload. */
public enum AfterUpload {
    /** Move it to {@code uploaded/} (same relative path), kept for replay while retention allows. */
    MOVE,
    /** Delete it. */
    DELETE;

    /** Parses {@code move} or {@code delete}. */
    public static AfterUpload parse(String s) {
        try {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("after-upload must be 'move' or 'delete', was '" + s + "'");
        }
    }
}

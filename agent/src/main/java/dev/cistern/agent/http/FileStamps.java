package dev.cistern.agent.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Notices when files change (modification time, size or inode: Kubernetes swaps a secret's symlink),
 * looking at most once per {@code everyMillis}, so a caller on a hot path pays one clock read.
 */
final class FileStamps {
    private final List<Path> files;
    private final long everyMillis;
    private volatile List<Object> last;
    private volatile long checkedAt;

    FileStamps(List<Path> files, long everyMillis) {
        this.files = List.copyOf(files);
        this.everyMillis = everyMillis;
        this.last = stamps();
        this.checkedAt = System.currentTimeMillis();
    }

    /** True once after any of the files changed, when a check is due. */
    synchronized boolean changed() {
        long now = System.currentTimeMillis();
        if (now - checkedAt < everyMillis) return false;
        checkedAt = now;
        List<Object> s = stamps();
        if (s.equals(last)) return false;
        last = s;
        return true;
    }

    List<Path> files() {
        return files;
    }

    private List<Object> stamps() {
        List<Object> out = new ArrayList<>();
        for (Path f : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                out.add(List.of(a.lastModifiedTime().toMillis(), a.size(), String.valueOf(a.fileKey())));
            } catch (IOException e) {
                out.add("missing");
            }
        }
        return out;
    }
}

package dev.cistern.spool;

import java.nio.file.Path;

/** A sealed, complete segment file and what its name says about it. */
public record SealedSegment(Path path, SegmentName name) {

    /** Reads the name off a path; null when the file name is not a segment name. */
    public static SealedSegment of(Path path) {
        SegmentName name = SegmentName.tryParse(path.getFileName().toString());
        return name == null ? null : new SealedSegment(path, name);
    }

    /**
     * Where an uploader that keeps what it ships puts this file: the same place under {@code uploaded/} as it has
     * under {@code sealed/}. Null when the file is not in a spool's {@code sealed/}.
     */
    public Path uploadedPath() {
        Path inTree = Path.of(name.stream(), name.partition(), name.fileName());
        if (!path.endsWith(inTree)) return null;
        Path sealed = path;
        for (int i = 0; i < inTree.getNameCount(); i++) sealed = sealed.getParent();
        if (sealed == null || sealed.getFileName() == null || !sealed.getFileName().toString().equals(SpoolLayout.SEALED)) return null;
        return sealed.resolveSibling(SpoolLayout.UPLOADED).resolve(inTree);
    }
}

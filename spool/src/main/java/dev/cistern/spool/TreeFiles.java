package dev.cistern.spool;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The regular files under a directory of the spool, listed while an uploader (this process's or a {@code cistern
 * upload} beside it) or retention moves and deletes them. {@code Files.walk} fails the whole listing when one entry
 * goes between the directory read and its stat; here such an entry is only left out, as it would be had it gone a
 * moment earlier. Any other error (a folder that cannot be read) is thrown: a listing is whole or it fails, it never
 * leaves a part out unsaid.
 */
public final class TreeFiles {
    private TreeFiles() {}

    /** Every regular file under {@code root} (none when it does not exist). */
    public static List<Path> under(Path root) throws IOException {
        return under(root, Integer.MAX_VALUE);
    }

    /** The regular files at most {@code maxDepth} levels below {@code root}. */
    public static List<Path> under(Path root, int maxDepth) throws IOException {
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), maxDepth, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                // a link to a file counts as the file, as Files.walk's callers took it (a folder of links to segments)
                if (attrs.isRegularFile() || attrs.isSymbolicLink() && Files.isRegularFile(file)) out.add(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE; // moved or deleted as we looked
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) throw e;
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }
}

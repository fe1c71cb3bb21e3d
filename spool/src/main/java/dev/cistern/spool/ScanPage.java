package dev.cistern.spool;

import java.util.List;

/**
 * One page of matching rows. {@code total} counts every match, not just this page's, so a UI can
 * page; {@code problems} names files that could not be read completely (their readable rows count).
 */
public record ScanPage(List<Row> rows, long total, long offset, long limit, int filesScanned, int filesPruned,
                       List<String> problems) {
}

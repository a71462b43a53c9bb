package dev.actiongate.agent.records;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The file a records file continues, found from its first record ({@code records_continued}):
 * the file that was at the records path until it was moved away (by a rotation) or replaced. The
 * record names it by the path it had, which is now this file's, and by its identity then (device
 * and inode), so it is looked for beside this file by that identity (a rename keeps it), or, where
 * the platform has none, by a name that begins with this file's ({@code decisions.jsonl.1}). A
 * file is taken only when one of its last records has the hash the continuation record names: a
 * guess never puts another file's records in the chain's place.
 */
final class PreviousFile {

    /** Files of a folder looked at, at most: a log folder, not a disk. */
    private static final int LOOKED_AT = 10_000;

    private PreviousFile() {}

    /**
     * The file {@code current} continues, by its first record {@code continued}; {@code null} when
     * it is not beside it any more (moved elsewhere, compressed, deleted).
     */
    static Path of(Path current, Map<String, Object> continued) throws IOException {
        if (!(continued.get("previous_hash") instanceof String hash)) {
            return null;
        }
        long rewritten = continued.get("rewritten") instanceof Number n ? n.longValue() : 0;
        Object key = continued.get("previous_file_key");
        for (Path candidate : candidates(current, continued.get("previous_file"), key)) {
            if (endsWith(candidate, hash, rewritten + 1)) {
                return candidate;
            }
        }
        return null;
    }

    /** The named path, when another file is there now, then the files beside {@code current} that may be it. */
    private static List<Path> candidates(Path current, Object named, Object key) throws IOException {
        List<Path> candidates = new ArrayList<>();
        if (named instanceof String path && Files.isRegularFile(Path.of(path)) && !same(Path.of(path), current)) {
            candidates.add(Path.of(path));
        }
        Path folder = current.toAbsolutePath().getParent();
        String name = current.getFileName().toString();
        try (Stream<Path> beside = Files.list(folder)) {
            beside.limit(LOOKED_AT)
                    .filter(path -> !candidates.contains(path) && !same(path, current))
                    .filter(path -> key instanceof String identity
                            ? identity.equals(keyOf(path))
                            : path.getFileName().toString().startsWith(name) && !agentsOwn(path, name))
                    .forEach(candidates::add);
        }
        return candidates;
    }

    /** The journal, keys and files the agent sets aside beside a records file: never a rotated copy of it. */
    private static boolean agentsOwn(Path path, String name) {
        String suffix = path.getFileName().toString().substring(name.length());
        return suffix.startsWith(".journal")
                || suffix.equals(".key")
                || suffix.startsWith(".torn-")
                || suffix.startsWith(".foreign-");
    }

    private static String keyOf(Path path) {
        try {
            BasicFileAttributes attributes =
                    Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Object key = attributes.isRegularFile() ? attributes.fileKey() : null;
            return key == null ? null : key.toString();
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }

    private static boolean same(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    /** Whether one of the last {@code within} records of {@code file} has hash {@code hash}. */
    private static boolean endsWith(Path file, String hash, long within) throws IOException {
        boolean[] found = {false};
        long[] seen = {0};
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            FileTail.linesBackwards(in, in.length() - FileTail.partialLine(in), bytes -> {
                Object lineHash;
                try {
                    lineHash = CanonicalJson.parse(new String(bytes, StandardCharsets.UTF_8))
                            .get("hash");
                } catch (IOException | RuntimeException notJson) {
                    return false; // not a records file
                }
                found[0] = hash.equals(lineHash);
                return !found[0] && ++seen[0] < within;
            });
        }
        return found[0];
    }
}

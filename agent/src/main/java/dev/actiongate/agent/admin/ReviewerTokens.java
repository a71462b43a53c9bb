package dev.actiongate.agent.admin;

import dev.actiongate.agent.digest.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Who may review, each with a token of their own: the file named by {@code reviewer_tokens_file},
 * one line per reviewer, {@code NAME SHA256-OF-TOKEN} (hex), {@code #} comments. The file holds
 * digests, not tokens, so it can be kept with the rest of the configuration; each reviewer keeps
 * their own token. Read again when it changes, so reviewers come and go without a restart.
 */
public final class ReviewerTokens {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final Pattern DIGEST = Pattern.compile("(sha256:)?[0-9a-fA-F]{64}");

    private final Path file;
    private volatile Loaded loaded;

    private record Loaded(FileTime modified, long size, Map<String, byte[]> digests) {}

    private ReviewerTokens(Path file, Loaded loaded) {
        this.file = file;
        this.loaded = loaded;
    }

    /**
     * Reads {@code file}.
     *
     * @throws IOException when it cannot be read or a line is not {@code NAME DIGEST}, naming the line
     */
    static ReviewerTokens load(Path file) throws IOException {
        return new ReviewerTokens(file, read(file));
    }

    /**
     * The reviewer whose token {@code presented} is, or {@code null}. When the file changed and no
     * longer reads, nobody is recognised until it does again: an unreadable list grants nothing.
     */
    String reviewerFor(String presented) {
        Loaded current = current();
        if (current == null || presented == null || presented.isEmpty()) {
            return null;
        }
        byte[] digest = sha256(presented);
        String found = null;
        for (Map.Entry<String, byte[]> entry : current.digests().entrySet()) {
            // Every entry is compared, in constant time: timing must not tell which one was close.
            if (MessageDigest.isEqual(entry.getValue(), digest)) {
                found = entry.getKey();
            }
        }
        return found;
    }

    private Loaded current() {
        Loaded current = loaded;
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (current == null || !modified.equals(current.modified()) || size != current.size()) {
                current = read(file);
                loaded = current;
            }
            return current;
        } catch (IOException e) {
            loaded = null;
            return null;
        }
    }

    private static Loaded read(Path file) throws IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        long size = Files.size(file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, byte[]> digests = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            if (parts.length != 2
                    || !NAME.matcher(parts[0]).matches()
                    || !DIGEST.matcher(parts[1]).matches()) {
                throw new IOException(file + ":" + (i + 1) + ": expected 'NAME SHA256-HEX-OF-TOKEN' (see the"
                        + " reviewer-token command), found '" + line + "'");
            }
            if (digests.put(parts[0], HexFormat.of().parseHex(parts[1].replace("sha256:", ""))) != null) {
                throw new IOException(file + ":" + (i + 1) + ": reviewer '" + parts[0] + "' is listed twice");
            }
        }
        return new Loaded(modified, size, Map.copyOf(digests));
    }

    /** A new random token for {@code name}, and the line that lists its digest: {@code [token, line]}. */
    public static String[] mint(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "a reviewer name is 1 to 64 letters, digits, '.', '_', '@' or '-': " + name);
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        return new String[] {token, name + " sha256:" + HexFormat.of().formatHex(sha256(token))};
    }

    static byte[] sha256(String token) {
        return Sha256.of(token.getBytes(StandardCharsets.UTF_8));
    }
}

package dev.actiongate.agent.admin;

import dev.actiongate.agent.config.AgentConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * The admin token, and the checks it must pass before the API starts. Whoever holds it can switch
 * governing off: a short token can be guessed, and one in a file that other users can read is
 * theirs too. As ssh does with a private key, the agent refuses such a token, and the API stays off
 * with a message that says what to change.
 */
final class AdminToken {

    /** The length of the token the agent makes itself is 43; anything shorter than 32 is refused. */
    static final int MIN_LENGTH = 32;

    private static final Set<PosixFilePermission> NOT_OWNER = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    private AdminToken() {}

    /**
     * The token {@code admin_token} or {@code admin_token_file} gives.
     *
     * @throws IOException naming what is wrong: no token, an unreadable file, a file that group or
     *     others may read or write, or a token shorter than {@value #MIN_LENGTH} characters
     */
    static String of(AgentConfig.Admin admin) throws IOException {
        if (admin.token() != null) {
            return checked(admin.token(), AgentConfig.ADMIN_TOKEN);
        }
        if (admin.tokenFile() == null) {
            throw new IOException("the admin API needs admin_token or admin_token_file; it stays off");
        }
        return checked(readOrCreate(admin.tokenFile()), AgentConfig.ADMIN_TOKEN_FILE + " " + admin.tokenFile());
    }

    private static String checked(String token, String source) throws IOException {
        if (token.isEmpty()) {
            throw new IOException(source + " holds no token; the admin API stays off");
        }
        if (token.length() < MIN_LENGTH) {
            throw new IOException("the token in " + source + " is " + token.length() + " characters; the admin API"
                    + " needs at least " + MIN_LENGTH + " and stays off. Remove admin_token and let the agent create"
                    + " admin_token_file with a random token, or put one of 32 characters or more there"
                    + " (e.g. 'openssl rand -base64 32')");
        }
        return token;
    }

    /**
     * The token in {@code file}; a file that does not exist yet is created with a new random
     * token readable by its owner only, so ops need not invent one.
     */
    static String readOrCreate(Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        if (!Files.exists(absolute)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            if (absolute.getParent() != null) {
                Files.createDirectories(absolute.getParent());
            }
            try {
                Files.createFile(
                        absolute, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(absolute);
            } catch (FileAlreadyExistsException raced) {
                return readPrivate(absolute);
            }
            Files.writeString(absolute, token + "\n", StandardCharsets.UTF_8);
            return token;
        }
        return readPrivate(absolute);
    }

    private static String readPrivate(Path file) throws IOException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException notPosix) {
            permissions = Set.of();
        }
        Set<PosixFilePermission> others = EnumSet.noneOf(PosixFilePermission.class);
        others.addAll(permissions);
        others.retainAll(NOT_OWNER);
        if (!others.isEmpty()) {
            throw new IOException("permissions " + PosixFilePermissions.toString(permissions) + " for admin_token_file "
                    + file + " are too open: it must not be readable or writable by group or others, and the admin"
                    + " API stays off until it is not (chmod 600 " + file + ")");
        }
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
}

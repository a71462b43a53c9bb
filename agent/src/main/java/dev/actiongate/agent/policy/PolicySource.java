package dev.actiongate.agent.policy;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A policy file read once and parsed once. The agent needs the file's {@code govern:} entries on
 * the thread that starts it, before the application loads a class, and compiles the rest later
 * on another thread; both come from this one read, so a file changed in between cannot give the
 * instrumentation one document and the rules another.
 *
 * <p>The bytes are read on the first call that needs them, by whichever thread comes first; the
 * other waits for that read rather than reading again.
 */
public final class PolicySource {

    /** The starts that have not yet both taken their source; see {@link #forStart}. */
    private static final List<Shared> STARTS = new ArrayList<>();

    private final Path file;
    private byte[] bytes;
    private String unreadable;
    private PolicyTree tree;
    private String governFailure;
    /** What {@link #governEntries()} gave out, for {@link #compile()} to check. */
    private List<GovernEntry> given;

    private PolicySource(Path file) {
        this.file = file;
    }

    /** The policy in {@code file}, not read yet. */
    public static PolicySource of(Path file) {
        return new PolicySource(file);
    }

    /**
     * The one source of {@code file} for one start of the agent: the first two calls with the
     * same {@code start} (compared by identity, typically the start's configuration) get the
     * same source, one for the {@code govern:} entries and one for the compiled policy. Any
     * later call reads the file anew.
     */
    public static PolicySource forStart(Object start, Path file) {
        synchronized (STARTS) {
            STARTS.removeIf(shared -> shared.start().get() == null);
            for (Shared shared : STARTS) {
                if (shared.start().get() == start && shared.source().file.equals(file)) {
                    STARTS.remove(shared);
                    return shared.source();
                }
            }
            PolicySource source = of(file);
            STARTS.add(new Shared(new WeakReference<>(start), source));
            return source;
        }
    }

    /** Weakly held, so a start that never asks a second time leaves nothing behind. */
    private record Shared(WeakReference<Object> start, PolicySource source) {}

    /** The file this policy is read from. */
    public Path file() {
        return file;
    }

    /**
     * The well-formed {@code govern:} entries, parsed without compiling a condition. Never
     * throws: a file that cannot be read or parsed yields the entries read before the fault (or
     * none), and {@link #compile()} reports the fault and fails.
     *
     * <p>A file whose bytes cannot spell the key {@code govern} is not parsed here: parsing costs
     * the application's start about 90 ms of loading the YAML parser on its main thread, and
     * such a file has no entries in any syntax. {@link #compile()} checks that the entries given
     * out are the compiled policy's.
     */
    public List<GovernEntry> governEntries() {
        List<GovernEntry> entries;
        try {
            byte[] read = bytes();
            entries = cannotSpellGovern(read) ? List.of() : List.copyOf(PolicyLoader.governEntries(file, tree()));
        } catch (PolicyException e) {
            entries = List.of();
        } catch (RuntimeException | LinkageError e) {
            synchronized (this) {
                governFailure = "the govern: entries could not be read when the agent started: " + e;
            }
            return List.of();
        }
        synchronized (this) {
            given = entries;
        }
        return entries;
    }

    /**
     * Above this many conditions, the agent's start leaves them to be compiled per action and in
     * the background: 10,000 take it seconds to compile, fewer than this well under 0.1 s once
     * CEL is loaded, and a broken one is then reported at the start as always.
     */
    static final int LAZY_ABOVE = 500;

    /** Compiles the policy, every condition in it, from the bytes read once. */
    public Policy compile() throws PolicyException {
        return compile(Integer.MAX_VALUE);
    }

    /**
     * Loads the policy for the agent's start: a policy of more than {@link #LAZY_ABOVE}
     * conditions is checked in full but for its conditions, which are compiled per action on
     * its first call and all of them on a background thread started here (see {@link
     * Policy#compiled()}).
     */
    public Policy compileForStart() throws PolicyException {
        Policy policy = compile(LAZY_ABOVE);
        policy.compileInBackground();
        return policy;
    }

    private Policy compile(int lazyAbove) throws PolicyException {
        PolicyTree parsed = tree();
        String failure;
        List<GovernEntry> instrumented;
        synchronized (this) {
            failure = governFailure;
            instrumented = given;
        }
        if (failure != null) {
            // What was instrumented is unknown: nothing may run on this policy.
            throw new PolicyException(file, List.of(file + ": " + failure));
        }
        Policy policy = new PolicyLoader().compile(file, bytes, parsed, lazyAbove);
        if (instrumented != null && !instrumented.equals(policy.govern())) {
            throw new PolicyException(
                    file,
                    List.of(file + ": the agent instrumented " + instrumented.size()
                            + " govern: entries at start, but the policy has "
                            + policy.govern().size()
                            + "; this is a fault of the agent, please report it"));
        }
        return policy;
    }

    /**
     * Whether no syntax can make a key {@code govern} of these bytes: the word is not there, and
     * neither is a backslash (the only way to escape a character, in YAML and JSON alike) nor a
     * NUL byte (UTF-16 and UTF-32 text, where the word would be spelt otherwise).
     */
    static boolean cannotSpellGovern(byte[] bytes) {
        byte[] word = {'g', 'o', 'v', 'e', 'r', 'n'};
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == 0 || b == '\\') {
                return false;
            }
            if (b == word[0] && i + word.length <= bytes.length) {
                int matched = 1;
                while (matched < word.length && bytes[i + matched] == word[matched]) {
                    matched++;
                }
                if (matched == word.length) {
                    return false;
                }
            }
        }
        return true;
    }

    private synchronized PolicyTree tree() throws PolicyException {
        if (tree == null) {
            tree = PolicyLoader.read(bytes());
        }
        return tree;
    }

    private synchronized byte[] bytes() throws PolicyException {
        if (bytes == null && unreadable == null) {
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                unreadable = file + ": file not found";
            } catch (IOException | RuntimeException e) {
                unreadable = file + ": cannot be read: " + e;
            }
        }
        if (unreadable != null) {
            throw new PolicyException(file, List.of(unreadable));
        }
        return bytes;
    }
}

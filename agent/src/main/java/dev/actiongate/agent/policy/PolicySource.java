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
    private record Shared(WeakReference<Object> start, PolicySource source) {
    }

    /** The file this policy is read from. */
    public Path file() {
        return file;
    }

    /**
     * The well-formed {@code govern:} entries, parsed without compiling a condition. Never
     * throws: a file that cannot be read or parsed yields the entries read before the fault (or
     * none), and {@link #compile()} reports the fault and fails.
     */
    public List<GovernEntry> governEntries() {
        try {
            PolicyTree parsed = tree();
            return List.copyOf(PolicyLoader.governEntries(file, parsed));
        } catch (PolicyException e) {
            return List.of();
        } catch (RuntimeException | LinkageError e) {
            synchronized (this) {
                governFailure = "the govern: entries could not be read when the agent started: " + e;
            }
            return List.of();
        }
    }

    /** Compiles the policy from the bytes read once. */
    public Policy compile() throws PolicyException {
        PolicyTree parsed = tree();
        String failure;
        synchronized (this) {
            failure = governFailure;
        }
        if (failure != null) {
            // What was instrumented is unknown: nothing may run on this policy.
            throw new PolicyException(file, List.of(file + ": " + failure));
        }
        return new PolicyLoader().compile(file, bytes, parsed);
    }

    private synchronized PolicyTree tree() throws PolicyException {
        if (tree == null) {
            tree = PolicyTree.parse(bytes());
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

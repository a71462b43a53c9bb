package dev.actiongate.agent.policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a policy document ({@link PolicyTree}) and every condition in it. Either the whole
 * file is usable or a {@link PolicyException} lists every problem with its line and column;
 * there is no partial policy.
 */
public final class PolicyLoader {

    /** Loads and compiles {@code file}. */
    public Policy load(Path file) throws PolicyException {
        return PolicySource.of(file).compile();
    }

    /** Compiles a policy from {@code bytes}; {@code file} is only used in messages and records. */
    public Policy parse(Path file, byte[] bytes) throws PolicyException {
        return compile(file, bytes, read(bytes), Integer.MAX_VALUE);
    }

    /**
     * Loads a policy from {@code bytes} as the agent's start does: with more than
     * {@code lazyAbove} conditions, they are left for {@link ActionRules} to compile (nothing
     * starts compiling them in the background here).
     */
    Policy parseLazily(Path file, byte[] bytes, int lazyAbove) throws PolicyException {
        return compile(file, bytes, read(bytes), lazyAbove);
    }

    /**
     * From this size of a policy's text, CEL is loaded on a thread of its own while the text is
     * parsed: about 0.5 s each for 10,000 rules, which would otherwise follow one another. A
     * smaller policy may have no condition at all, and then never loads CEL.
     */
    private static final int LOAD_CEL_ALONGSIDE = 64 * 1024;

    /** Parses {@code bytes}, loading CEL meanwhile for a large policy; never throws, as {@link PolicyTree#parse}. */
    static PolicyTree read(byte[] bytes) {
        if (bytes.length >= LOAD_CEL_ALONGSIDE) {
            // A lambda, so that CEL loads on the new thread, not on this one.
            Thread loader = new Thread(() -> Conditions.load(), "actiongate-policy-compile");
            loader.setDaemon(true);
            loader.start();
        }
        return PolicyTree.parse(bytes);
    }

    /** Compiles the parsed {@code tree} of {@code bytes}; see {@link RuleCompiler#RuleCompiler} for {@code lazyAbove}. */
    Policy compile(Path file, byte[] bytes, PolicyTree tree, int lazyAbove) throws PolicyException {
        PolicyProblems problems = new PolicyProblems(file);
        DuplicateKeys.report(tree, problems);
        DocumentReader document = new DocumentReader(problems, lazyAbove);
        document.read(tree);
        return document.policy(file, bytes);
    }

    /**
     * Reads only the {@code govern:} entries of a policy file, without compiling anything; a
     * file that cannot be read yields none, and its full load says why.
     */
    public static List<GovernEntry> governEntries(Path file) {
        return file == null ? List.of() : PolicySource.of(file).governEntries();
    }

    /**
     * The well-formed {@code govern:} entries of {@code tree}. Every entry that is well-formed is
     * instrumented even when another is not: the broken policy then denies those calls, where
     * skipping them would let them run.
     */
    static List<GovernEntry> governEntries(Path file, PolicyTree tree) {
        List<GovernEntry> govern = new ArrayList<>();
        PolicyTree.Node root = tree.root();
        PolicyTree.Field field = root == null ? null : root.fields().get("govern");
        if (field != null) {
            GovernParser.read(field.value(), new PolicyProblems(file), govern);
        }
        return govern;
    }
}

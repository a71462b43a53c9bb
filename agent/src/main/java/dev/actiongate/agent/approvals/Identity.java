package dev.actiongate.agent.approvals;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The one canonical form of a person's name, wherever two names are compared: a call's actor or
 * the person it acts for against its reviewer, a reviewer against the approvers, a name a request
 * gives against the token that sends it. Unicode compatibility forms are folded (NFKC: fullwidth
 * letters, ligatures, other spaces), invisible format characters (zero-width spaces and joiners)
 * are dropped, surrounding white space is cut, and letters are lower-cased without regard to the
 * locale. Names are compared, never replaced: records keep what was written.
 */
public final class Identity {

    private Identity() {}

    /** The canonical form of {@code name}; {@code null} for {@code null}. */
    public static String canonical(String name) {
        if (name == null) {
            return null;
        }
        String folded = Normalizer.normalize(name, Normalizer.Form.NFKC);
        StringBuilder visible = new StringBuilder(folded.length());
        folded.codePoints()
                .filter(c -> Character.getType(c) != Character.FORMAT)
                .forEach(visible::appendCodePoint);
        // Lower-casing can leave a sequence that is not in NFKC (and NFKC can make upper case):
        // normalise again, so that the form is a fixed point.
        return Normalizer.normalize(visible.toString().toLowerCase(Locale.ROOT), Normalizer.Form.NFKC)
                .strip();
    }

    /** Whether {@code a} and {@code b} name the same person; a blank or missing name is nobody. */
    public static boolean same(String a, String b) {
        String left = canonical(a);
        return left != null && !left.isEmpty() && left.equals(canonical(b));
    }
}

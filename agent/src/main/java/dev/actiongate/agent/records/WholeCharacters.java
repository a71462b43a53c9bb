package dev.actiongate.agent.records;

/**
 * Text with every half of a surrogate pair that stands alone replaced by U+FFFD, the way a UTF-8
 * encoder would: for a record's field names, which Jackson reads back only when whole. A value
 * keeps its halves, since it reads back as written.
 */
final class WholeCharacters {

    private WholeCharacters() {}

    static String of(String s) {
        StringBuilder whole = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c)
                    ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                    : !Character.isLowSurrogate(c) || (i > 0 && Character.isHighSurrogate(s.charAt(i - 1)));
            if (!paired && whole == null) {
                whole = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (whole != null) {
                whole.append(paired ? c : '\uFFFD');
            }
        }
        return whole == null ? s : whole.toString();
    }
}

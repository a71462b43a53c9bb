package dev.actiongate.agent.policy;

import com.fasterxml.jackson.core.JsonLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the {@code govern:} list into {@link GovernEntry} values, without compiling anything:
 * the agent reads these before the application loads a class. Every entry that is well-formed
 * is kept even when another is not, so that the broken policy denies its calls rather than
 * letting them run uninstrumented; each problem names its entry and points at it.
 */
final class GovernParser {

    private static final Set<String> KEYS = Set.of("method", "annotation", "action", "action_from");
    private static final Pattern METHOD_ENTRY = Pattern.compile(
            "([\\p{L}_$][\\p{L}\\p{N}_$]*(?:\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*)#([\\p{L}_$][\\p{L}\\p{N}_$]*)"
                    + "(?:\\(([^()]*)\\))?");

    private GovernParser() {}

    /** Adds the well-formed entries of {@code list} to {@code govern}, and the others' problems. */
    static void read(PolicyTree.Node list, PolicyProblems problems, List<GovernEntry> govern) {
        if (!list.isList()) {
            problems.add(
                    list.at(),
                    null,
                    "'govern' must be a list of {method: \"com.acme.Mailer#send\", action: ...} or"
                            + " {annotation: \"com.acme.Tool\", action_from: name_or_method} entries");
            return;
        }
        int index = 0;
        for (PolicyTree.Node item : list.items()) {
            index++;
            GovernEntry entry = entry(new Place("govern entry #" + index, item.at(), problems), item);
            if (entry != null) {
                govern.add(entry);
            }
        }
    }

    /** Where an entry is, for its problems (and, through its line, for warnings about it later). */
    private record Place(String label, JsonLocation at, PolicyProblems problems) {

        void problem(String message) {
            problems.add(at, null, message);
        }

        int line() {
            return at == null ? 0 : at.getLineNr();
        }
    }

    private static GovernEntry entry(Place place, PolicyTree.Node item) {
        String label = place.label();
        if (!item.isMap()) {
            place.problem(label + " must be a mapping with method or annotation");
            return null;
        }
        for (String key : item.fields().keySet()) {
            if (!KEYS.contains(key)) {
                place.problem(label + ": unknown key '" + key + "' (known keys: " + DocumentText.keyList(KEYS) + ")");
            }
        }
        String method = DocumentText.scalar(item.get("method"));
        String annotation = DocumentText.scalar(item.get("annotation"));
        String action = DocumentText.scalar(item.get("action"));
        String from = DocumentText.scalar(item.get("action_from"));
        GovernEntry.ActionFrom actionFrom = from == null ? null : actionFrom(place, from);
        if ((method == null) == (annotation == null)) {
            place.problem(label + " must have exactly one of 'method' and 'annotation'");
            return null;
        }
        if (action != null && from != null) {
            place.problem(label + ": give either 'action' or 'action_from', not both");
            return null;
        }
        if (action != null && action.isBlank()) {
            place.problem(label + ": 'action' must not be blank");
            return null;
        }
        return method != null
                ? methodEntry(place, method, action, actionFrom)
                : annotationEntry(place, annotation, action, actionFrom);
    }

    private static GovernEntry.ActionFrom actionFrom(Place place, String from) {
        return switch (from) {
            case "name_or_method" -> GovernEntry.ActionFrom.NAME_OR_METHOD;
            case "method" -> GovernEntry.ActionFrom.METHOD;
            default -> {
                place.problem(
                        place.label() + ": unknown action_from '" + from + "' (expected name_or_method or method)");
                yield null;
            }
        };
    }

    /** {@code com.acme.Mailer#send} or {@code com.acme.Mailer#send(com.acme.Mail)}. */
    private static GovernEntry methodEntry(Place place, String method, String action, GovernEntry.ActionFrom from) {
        Matcher m = METHOD_ENTRY.matcher(method.trim());
        if (!m.matches()) {
            place.problem(place.label() + ": method '" + method + "' is not Class#method or"
                    + " Class#method(param.Type, ...) with fully qualified names");
            return null;
        }
        if (action == null && from == null) {
            place.problem(place.label() + " (" + method + ") needs an 'action' name");
            return null;
        }
        List<String> parameters = null;
        if (m.group(3) != null) {
            parameters = new ArrayList<>();
            for (String type : m.group(3).split(",")) {
                if (!type.isBlank()) {
                    parameters.add(type.trim());
                }
            }
        }
        return new GovernEntry(
                method.trim(),
                m.group(1),
                m.group(2),
                parameters,
                null,
                action,
                from == null ? GovernEntry.ActionFrom.METHOD : from,
                place.line());
    }

    private static GovernEntry annotationEntry(
            Place place, String annotation, String action, GovernEntry.ActionFrom from) {
        if (annotation.isBlank() || annotation.contains("#")) {
            place.problem(place.label() + ": annotation '" + annotation + "' must be an annotation type's"
                    + " fully qualified name");
            return null;
        }
        return new GovernEntry(
                "@" + annotation.trim(),
                null,
                null,
                null,
                annotation.trim(),
                action,
                from == null ? GovernEntry.ActionFrom.NAME_OR_METHOD : from,
                place.line());
    }
}

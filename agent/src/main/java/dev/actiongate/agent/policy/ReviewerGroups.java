package dev.actiongate.agent.policy;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code groups: {support-leads: [alice, bob]}}, the reviewer groups that approvers may
 * name as {@code group:NAME}. A problem points at the group's key, or at the member it is about.
 */
final class ReviewerGroups {

    static final String PREFIX = "group:";

    private ReviewerGroups() {}

    /** Each well-formed group's members, in file order; the problems of the others are added. */
    static Map<String, Set<String>> read(PolicyTree.Node block, PolicyProblems problems) {
        Map<String, Set<String>> groups = new LinkedHashMap<>();
        if (!block.isMap()) {
            problems.add(block.at(), null, "'groups' must map each group name to a list of reviewer names");
            return groups;
        }
        for (PolicyTree.Field group : block.fields().values()) {
            PolicyTree.Node members = group.value();
            if (!members.isList() || members.items().isEmpty()) {
                problems.add(
                        group.keyAt(), null, "group '" + group.key() + "' must be a non-empty list of reviewer names");
                continue;
            }
            Set<String> names = new LinkedHashSet<>();
            for (PolicyTree.Node member : members.items()) {
                String name = DocumentText.scalar(member.json());
                if (name == null || name.isBlank() || name.startsWith(PREFIX)) {
                    problems.add(
                            member.at(),
                            null,
                            "group '" + group.key() + "' member '" + DocumentText.shown(member.json())
                                    + "' must be a reviewer name (groups do not nest)");
                } else {
                    names.add(name.trim());
                }
            }
            groups.put(group.key(), names);
        }
        return groups;
    }
}

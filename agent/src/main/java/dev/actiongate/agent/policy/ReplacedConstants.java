package dev.actiongate.agent.policy;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import java.util.List;
import java.util.Map;

/**
 * A CEL tree with the constants of some nodes replaced, rebuilt only along the paths to them: the
 * rest of the tree is shared with the original, which is immutable. Cheaper by far than CEL's
 * mutable trees for the few literals of a condition ({@link ParsedTemplates}).
 */
final class ReplacedConstants {

    private ReplacedConstants() {}

    /** {@code expr} with the constant of each node that {@code values} names by id replaced by its value there. */
    static CelExpr in(CelExpr expr, Map<Long, CelConstant> values) {
        CelExpr replaced = replaced(expr, values);
        return replaced == null ? expr : replaced;
    }

    /** {@code expr} with its constants replaced, or {@code null} when none of its nodes is named. */
    private static CelExpr replaced(CelExpr expr, Map<Long, CelConstant> values) {
        return switch (expr.getKind()) {
            case CONSTANT -> {
                CelConstant value = values.get(expr.id());
                yield value == null ? null : expr.toBuilder().setConstant(value).build();
            }
            case SELECT -> {
                CelExpr operand = replaced(expr.select().operand(), values);
                yield operand == null
                        ? null
                        : expr.toBuilder()
                                .setSelect(expr.select().toBuilder()
                                        .setOperand(operand)
                                        .build())
                                .build();
            }
            case CALL -> call(expr, values);
            case LIST -> list(expr, values);
            case MAP -> map(expr, values);
            case STRUCT -> struct(expr, values);
            case COMPREHENSION -> comprehension(expr, values);
            default -> null; // IDENT, NOT_SET: no constant below
        };
    }

    private static CelExpr call(CelExpr expr, Map<Long, CelConstant> values) {
        CelExpr.CelCall call = expr.call();
        CelExpr.CelCall.Builder builder = null;
        if (call.target().isPresent()) {
            CelExpr target = replaced(call.target().get(), values);
            if (target != null) {
                builder = call.toBuilder().setTarget(target);
            }
        }
        List<CelExpr> args = call.args();
        for (int i = 0; i < args.size(); i++) {
            CelExpr arg = replaced(args.get(i), values);
            if (arg != null) {
                builder = (builder == null ? call.toBuilder() : builder).setArg(i, arg);
            }
        }
        return builder == null
                ? null
                : expr.toBuilder().setCall(builder.build()).build();
    }

    private static CelExpr list(CelExpr expr, Map<Long, CelConstant> values) {
        CelExpr.CelList list = expr.list();
        CelExpr.CelList.Builder builder = null;
        List<CelExpr> elements = list.elements();
        for (int i = 0; i < elements.size(); i++) {
            CelExpr element = replaced(elements.get(i), values);
            if (element != null) {
                builder = (builder == null ? list.toBuilder() : builder).setElement(i, element);
            }
        }
        return builder == null
                ? null
                : expr.toBuilder().setList(builder.build()).build();
    }

    private static CelExpr map(CelExpr expr, Map<Long, CelConstant> values) {
        CelExpr.CelMap map = expr.map();
        CelExpr.CelMap.Builder builder = null;
        List<CelExpr.CelMap.Entry> entries = map.entries();
        for (int i = 0; i < entries.size(); i++) {
            CelExpr.CelMap.Entry entry = entries.get(i);
            CelExpr key = replaced(entry.key(), values);
            CelExpr value = replaced(entry.value(), values);
            if (key != null || value != null) {
                CelExpr.CelMap.Entry.Builder changed = entry.toBuilder();
                if (key != null) {
                    changed.setKey(key);
                }
                if (value != null) {
                    changed.setValue(value);
                }
                builder = (builder == null ? map.toBuilder() : builder).setEntry(i, changed.build());
            }
        }
        return builder == null ? null : expr.toBuilder().setMap(builder.build()).build();
    }

    private static CelExpr struct(CelExpr expr, Map<Long, CelConstant> values) {
        CelExpr.CelStruct struct = expr.struct();
        CelExpr.CelStruct.Builder builder = null;
        List<CelExpr.CelStruct.Entry> entries = struct.entries();
        for (int i = 0; i < entries.size(); i++) {
            CelExpr value = replaced(entries.get(i).value(), values);
            if (value != null) {
                builder = (builder == null ? struct.toBuilder() : builder)
                        .setEntry(i, entries.get(i).toBuilder().setValue(value).build());
            }
        }
        return builder == null
                ? null
                : expr.toBuilder().setStruct(builder.build()).build();
    }

    private static CelExpr comprehension(CelExpr expr, Map<Long, CelConstant> values) {
        CelExpr.CelComprehension loop = expr.comprehension();
        CelExpr range = replaced(loop.iterRange(), values);
        CelExpr init = replaced(loop.accuInit(), values);
        CelExpr condition = replaced(loop.loopCondition(), values);
        CelExpr step = replaced(loop.loopStep(), values);
        CelExpr result = replaced(loop.result(), values);
        if (range == null && init == null && condition == null && step == null && result == null) {
            return null;
        }
        CelExpr.CelComprehension.Builder builder = loop.toBuilder();
        if (range != null) {
            builder.setIterRange(range);
        }
        if (init != null) {
            builder.setAccuInit(init);
        }
        if (condition != null) {
            builder.setLoopCondition(condition);
        }
        if (step != null) {
            builder.setLoopStep(step);
        }
        if (result != null) {
            builder.setResult(result);
        }
        return expr.toBuilder().setComprehension(builder.build()).build();
    }
}

package dev.actiongate.demo;

/**
 * How sensitive the content of an email is. The agent hands enums to the policy by name, so a
 * rule compares {@code args.dataClass == "SENSITIVE"}.
 */
public enum DataClass {
    PUBLIC,
    INTERNAL,
    SENSITIVE
}

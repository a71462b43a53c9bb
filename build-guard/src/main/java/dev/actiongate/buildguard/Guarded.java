package dev.actiongate.buildguard;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class the build guard has already guarded, so that running the guard again on the same
 * classes (a build without {@code clean}) adds nothing. Only read at build time: at run time the
 * JVM ignores an annotation whose type it cannot load.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Guarded {}

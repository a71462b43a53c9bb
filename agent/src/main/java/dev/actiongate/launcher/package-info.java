/**
 * The agent jar's entry points ({@code Premain-Class}, {@code Agent-Class}, {@code Main-Class})
 * and the isolated class loader. Loaded by the system class loader, so it stays JDK-only and
 * reaches the agent proper by reflection alone.
 */
package dev.actiongate.launcher;

package dev.actiongate.agent.instrumentation;

import net.bytebuddy.description.type.TypeDescription;

/**
 * Recognises classes a framework generates at run time to wrap or stand in for application code:
 * JDK proxies, CGLIB subclasses (Spring's among them) and the subclasses Byte Buddy makes for
 * Hibernate, Mockito and others. Their governed methods are named after the application's
 * method they override, since nobody wrote the generated one and nobody writes policies
 * against its name.
 */
final class GeneratedClasses {

    /** Name parts the common generators put into the classes they define. */
    private static final String[] MARKERS = {
        "$$SpringCGLIB$$", // Spring's CGLIB: AOP proxies, @Configuration classes
        "$$EnhancerBy", // CGLIB before Spring 6: $$EnhancerBySpringCGLIB$$, $$EnhancerByCGLIB$$, Guice
        "_$$_jvst", // Javassist
        "$$_Weld", // CDI proxies of Weld
        "$ByteBuddy$", // Byte Buddy's default naming
        "$HibernateProxy$",
        "$MockitoMock$",
    };

    private GeneratedClasses() {}

    /** Whether {@code type} was generated at run time to wrap or stand in for other code. */
    static boolean isGenerated(TypeDescription type) {
        return isJdkProxy(type) || hasMarker(type.getName());
    }

    /**
     * Whether {@code type} is a {@link java.lang.reflect.Proxy} class. Such a class lives in the
     * package of a non-public interface it implements, or else in a package of the JDK's own
     * naming ({@code jdk.proxyN} since JDK 16, {@code com.sun.proxy} before).
     */
    static boolean isJdkProxy(TypeDescription type) {
        TypeDescription.Generic superClass = type.getSuperClass();
        return superClass != null
                && superClass.asErasure().getName().equals("java.lang.reflect.Proxy")
                && type.getSimpleName().startsWith("$Proxy");
    }

    private static boolean hasMarker(String name) {
        for (String marker : MARKERS) {
            if (name.contains(marker)) {
                return true;
            }
        }
        return false;
    }
}

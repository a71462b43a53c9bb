package dev.actiongate.agent.instrumentation;

import dev.actiongate.bootstrap.GateBridge;
import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.pool.TypePool;
import org.slf4j.LoggerFactory;

/**
 * Governs lambdas and method references of interfaces with a governed method. The JVM defines
 * their classes as hidden classes, which no agent sees or can instrument, so instead their
 * creation is rewritten: a call site that asks {@code LambdaMetafactory.metafactory} for such an
 * interface asks the bridge's {@code governedLambda} instead, which hands out the lambda wrapped
 * in a {@link java.lang.reflect.Proxy} of the interface; the proxy's class is instrumented like
 * any implementation. Only classes whose constant pool names the metafactory are parsed, and only
 * those with such a call site are rewritten.
 */
final class LambdaCallSites implements ClassFileTransformer {

    private static final byte[] METAFACTORY = "java/lang/invoke/LambdaMetafactory".getBytes(StandardCharsets.US_ASCII);
    private static final String BOOTSTRAP_DESCRIPTOR = "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;"
            + "Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodHandle;"
            + "Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;";
    private static final Handle GOVERNED_LAMBDA = new Handle(
            Opcodes.H_INVOKESTATIC,
            GateBridge.class.getName().replace('.', '/'),
            "governedLambda",
            BOOTSTRAP_DESCRIPTOR,
            false);
    private static final Handle GOVERNED_ALT_LAMBDA = new Handle(
            Opcodes.H_INVOKESTATIC,
            GateBridge.class.getName().replace('.', '/'),
            "governedAltLambda",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
                    + "[Ljava/lang/Object;)Ljava/lang/invoke/CallSite;",
            false);
    /** {@code LambdaMetafactory.FLAG_SERIALIZABLE}. */
    private static final int SERIALIZABLE = 1;

    private final GovernedMethodLocator locator;
    private final ClassLoader agentLoader;
    private final Map<ClassLoader, TypePool> pools = new WeakHashMap<>();

    LambdaCallSites(GovernedMethodLocator locator, ClassLoader agentLoader) {
        this.locator = locator;
        this.agentLoader = agentLoader;
    }

    @Override
    public byte[] transform(
            ClassLoader loader,
            String className,
            Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain,
            byte[] bytes) {
        if (loader == null
                || loader == agentLoader
                || className == null
                || isPlatformName(className)
                || !contains(bytes, METAFACTORY)) {
            return null;
        }
        try {
            return rewrite(loader, bytes);
        } catch (RuntimeException | LinkageError e) {
            LoggerFactory.getLogger("actiongate")
                    .error(
                            "could not look at the lambdas of {}: a lambda of a governed"
                                    + " interface created there is NOT governed",
                            className.replace('/', '.'),
                            e);
            return null;
        }
    }

    private byte[] rewrite(ClassLoader loader, byte[] bytes) {
        TypePool pool = poolOf(loader);
        ClassReader reader = new ClassReader(bytes);
        if (!createsGovernedInterface(reader, pool)) {
            return null;
        }
        ClassWriter writer = new ClassWriter(reader, 0);
        boolean[] rewritten = {false};
        reader.accept(
                new ClassVisitor(Opcodes.ASM9, writer) {
                    @Override
                    public MethodVisitor visitMethod(
                            int access, String name, String descriptor, String signature, String[] exceptions) {
                        return new MethodVisitor(
                                Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
                            @Override
                            public void visitInvokeDynamicInsn(
                                    String methodName, String callDescriptor, Handle bootstrap, Object... arguments) {
                                if (isMetafactory(bootstrap, "metafactory")
                                        && governed(pool, callDescriptor, methodName, arguments)) {
                                    rewritten[0] = true;
                                    super.visitInvokeDynamicInsn(
                                            methodName, callDescriptor, GOVERNED_LAMBDA, arguments);
                                } else if (isMetafactory(bootstrap, "altMetafactory")
                                        && !serializable(arguments)
                                        && governed(pool, callDescriptor, methodName, arguments)) {
                                    // Cast to the interface and a marker, or in need of bridges: wrapped the same way.
                                    rewritten[0] = true;
                                    super.visitInvokeDynamicInsn(
                                            methodName, callDescriptor, GOVERNED_ALT_LAMBDA, arguments);
                                } else {
                                    if (isMetafactory(bootstrap, "altMetafactory")
                                            && governed(pool, callDescriptor, methodName, arguments)) {
                                        LoggerFactory.getLogger("actiongate")
                                                .error(
                                                        "a serializable lambda of {} is created in {}"
                                                                + " and is NOT governed: implement the interface with a class instead",
                                                        Type.getReturnType(callDescriptor)
                                                                .getClassName(),
                                                        reader.getClassName());
                                    }
                                    super.visitInvokeDynamicInsn(methodName, callDescriptor, bootstrap, arguments);
                                }
                            }
                        };
                    }
                },
                0);
        return rewritten[0] ? writer.toByteArray() : null;
    }

    /**
     * Whether any invokedynamic of the class creates an instance of an interface with a governed
     * method, read from the constant pool alone: most classes with lambdas create only the JDK's
     * functional interfaces, and their code need not be parsed at all.
     */
    private boolean createsGovernedInterface(ClassReader reader, TypePool pool) {
        char[] buffer = new char[reader.getMaxStringLength()];
        for (int item = 1; item < reader.getItemCount(); item++) {
            int offset = reader.getItem(item);
            if (offset == 0 || reader.readByte(offset - 1) != CONSTANT_INVOKE_DYNAMIC) {
                continue;
            }
            int nameAndType = reader.getItem(reader.readUnsignedShort(offset + 2));
            String descriptor = reader.readUTF8(nameAndType + 2, buffer);
            String created = Type.getReturnType(descriptor).getClassName();
            if (!created.startsWith("java.") && isGovernedInterface(pool, created)) {
                return true;
            }
        }
        return false;
    }

    private static final int CONSTANT_INVOKE_DYNAMIC = 18;

    private boolean isGovernedInterface(TypePool pool, String name) {
        TypePool.Resolution resolution = pool.describe(name);
        return resolution.isResolved()
                && resolution.resolve().isInterface()
                && locator.governsAnyInterfaceMethod(resolution.resolve());
    }

    /** Whether an {@code altMetafactory} call site's flags (its fourth argument) ask for a serializable lambda. */
    private static boolean serializable(Object[] arguments) {
        return arguments.length < 4 || !(arguments[3] instanceof Integer flags) || (flags & SERIALIZABLE) != 0;
    }

    private static boolean isMetafactory(Handle bootstrap, String name) {
        return bootstrap.getOwner().equals("java/lang/invoke/LambdaMetafactory")
                && bootstrap.getName().equals(name);
    }

    private boolean governed(TypePool pool, String callDescriptor, String methodName, Object[] arguments) {
        String interfaceName = Type.getReturnType(callDescriptor).getClassName();
        if (interfaceName.startsWith("java.") || arguments.length < 1 || !(arguments[0] instanceof Type erased)) {
            return false;
        }
        TypePool.Resolution resolution = pool.describe(interfaceName);
        if (!resolution.isResolved()) {
            return false;
        }
        TypeDescription type = resolution.resolve();
        return type.isInterface() && locator.governsInterfaceMethod(type, methodName, erased.getDescriptor());
    }

    private TypePool poolOf(ClassLoader loader) {
        synchronized (pools) {
            return pools.computeIfAbsent(
                    loader,
                    key -> new TypePool.Default(
                            new TypePool.CacheProvider.Simple(),
                            ClassFileLocator.ForClassLoader.of(key),
                            TypePool.Default.ReaderMode.FAST));
        }
    }

    static boolean isPlatformName(String internalName) {
        return internalName.startsWith("java/")
                || internalName.startsWith("jdk/")
                || internalName.startsWith("sun/")
                || internalName.startsWith("com/sun/")
                || internalName.startsWith("dev/actiongate/agent/")
                || internalName.startsWith("dev/actiongate/shaded/")
                || internalName.startsWith("jdk/internal/");
    }

    private static boolean contains(byte[] bytes, byte[] part) {
        int last = bytes.length - part.length;
        outer:
        for (int i = 0; i <= last; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}

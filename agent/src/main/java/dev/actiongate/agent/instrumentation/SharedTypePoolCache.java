package dev.actiongate.agent.instrumentation;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;

/**
 * Keeps the type descriptions Byte Buddy parses, one cache per class loader, across
 * transformations. Deciding whether a class is governed means looking at its supertypes; without
 * a shared cache every class load would parse its whole hierarchy again, which made an
 * application that loads a logging framework before {@code main} start noticeably slower.
 * Class loaders are held weakly so that an undeployed application can be collected: the cache of
 * a loader holds only descriptions parsed from class files, whose pools reach the loader through
 * weak references (the agent's weak location strategy, and {@link LoadedTypeFallback}'s own).
 *
 * <p>A supertype whose class file its loader does not expose (a class the loader defined from
 * bytes of its own, without {@code getResource} for it) is described from the loaded class
 * instead: otherwise the subclass could not be matched, and would run ungoverned.
 */
final class SharedTypePoolCache extends AgentBuilder.PoolStrategy.WithTypePoolCache {

    private final Map<ClassLoader, TypePool.CacheProvider> caches = new WeakHashMap<>();
    private final TypePool.CacheProvider bootstrap = new TypePool.CacheProvider.Simple();

    SharedTypePoolCache() {
        super(TypePool.Default.ReaderMode.FAST);
    }

    @Override
    protected TypePool.CacheProvider locate(ClassLoader classLoader) {
        if (classLoader == null) {
            return bootstrap;
        }
        synchronized (caches) {
            return caches.computeIfAbsent(classLoader, loader -> new ResolvedOnly(new TypePool.CacheProvider.Simple()));
        }
    }

    @Override
    public TypePool typePool(ClassFileLocator classFileLocator, ClassLoader classLoader) {
        return new TypePool.LazyFacade(
                new LoadedTypeFallback(locate(classLoader), classFileLocator, readerMode, lazinessMode, classLoader));
    }

    @Override
    public TypePool typePool(ClassFileLocator classFileLocator, ClassLoader classLoader, String name) {
        TypePool.CacheProvider cache = new TypePool.CacheProvider.Discriminating(
                ElementMatchers.is(name), new TypePool.CacheProvider.Simple(), locate(classLoader));
        return new TypePool.LazyFacade(
                new LoadedTypeFallback(cache, classFileLocator, readerMode, lazinessMode, classLoader));
    }

    /** Describes a type its class file cannot be found for from the class its loader resolves. */
    private static final class LoadedTypeFallback extends TypePool.Default.WithLazyResolution {
        /** Weak: cached descriptions keep their pool, and the cache lives as long as the loader's entry. */
        private final WeakReference<ClassLoader> loader;

        LoadedTypeFallback(
                TypePool.CacheProvider cache,
                ClassFileLocator locator,
                ReaderMode readerMode,
                LazinessMode lazinessMode,
                ClassLoader loader) {
            super(cache, locator, readerMode, lazinessMode);
            this.loader = loader == null ? null : new WeakReference<>(loader);
        }

        @Override
        protected Resolution doResolve(String name) {
            Resolution located = super.doResolve(name);
            ClassLoader classLoader = loader == null ? null : loader.get();
            if (located.isResolved() || classLoader == null) {
                return located;
            }
            try {
                // The class is loaded already, or is about to be as the supertype of the class being
                // defined. Not cached: a description of a loaded class holds its class, and with it
                // the loader the cache must not keep alive; such classes are rare.
                Class<?> loaded = Class.forName(name, false, classLoader);
                return new Resolution.Simple(TypeDescription.ForLoadedType.of(loaded));
            } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                return located;
            }
        }
    }

    /**
     * Caches only what was found: a type that could not be located now may be described from its
     * loaded class next time, and must not be remembered as missing.
     */
    private record ResolvedOnly(TypePool.CacheProvider cache) implements TypePool.CacheProvider {
        @Override
        public TypePool.Resolution find(String name) {
            return cache.find(name);
        }

        @Override
        public TypePool.Resolution register(String name, TypePool.Resolution resolution) {
            return resolution.isResolved() ? cache.register(name, resolution) : resolution;
        }

        @Override
        public void clear() {
            cache.clear();
        }
    }
}

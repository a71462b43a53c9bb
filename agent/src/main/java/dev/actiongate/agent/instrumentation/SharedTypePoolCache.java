package dev.actiongate.agent.instrumentation;

import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.pool.TypePool;

/**
 * Keeps the type descriptions Byte Buddy parses, one cache per class loader, across
 * transformations. Deciding whether a class is governed means looking at its supertypes; without
 * a shared cache every class load would parse its whole hierarchy again, which made an
 * application that loads a logging framework before {@code main} start noticeably slower.
 * Class loaders are held weakly so that an undeployed application can be collected.
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
            return caches.computeIfAbsent(classLoader, loader -> new TypePool.CacheProvider.Simple());
        }
    }
}

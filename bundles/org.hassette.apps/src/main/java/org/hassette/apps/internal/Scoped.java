package org.hassette.apps.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.hassette.api.bus.EventBus;
import org.hassette.api.bus.Subscription;
import org.hassette.api.scheduler.JobHandle;
import org.hassette.api.scheduler.Scheduler;

/**
 * Per-app-instance views of the bus and the scheduler: they delegate everything and remember each
 * {@link Subscription} and {@link JobHandle} created through them, so {@link #close()} removes
 * exactly what this app instance registered (two instances of one bundle share the bundle's bus).
 * Builders returned by the bus are wrapped the same way, so {@code subscribe} is seen wherever it
 * is called in a chain.
 */
final class Scoped implements AutoCloseable {
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final List<JobHandle> jobs = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    EventBus bus(EventBus delegate) {
        return wrap(EventBus.class, delegate, "org.hassette.api.bus.", Subscription.class, subscriptions::add);
    }

    Scheduler scheduler(Scheduler delegate) {
        return wrap(Scheduler.class, delegate, null, JobHandle.class, jobs::add);
    }

    int subscriptionCount() {
        return (int) subscriptions.stream().filter(s -> !s.isCancelled()).count();
    }

    int jobCount() {
        return jobs.size();
    }

    /** Cancels every listener and job registered through these views; later registrations fail. */
    @Override
    public void close() {
        closed = true;
        List<RuntimeException> errors = new ArrayList<>();
        for (Subscription s : subscriptions) {
            try {
                s.cancel();
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        for (JobHandle j : jobs) {
            try {
                j.cancel();
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        subscriptions.clear();
        jobs.clear();
        if (!errors.isEmpty()) {
            RuntimeException first = errors.get(0);
            errors.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    @SuppressWarnings("unchecked")
    private <T, R> T wrap(Class<T> type, T delegate, String wrapPackage, Class<R> tracked, Consumer<R> record) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                handler(delegate, wrapPackage, tracked, record));
    }

    private static Class<?>[] apiInterfaces(Class<?> c, String wrapPackage) {
        java.util.Set<Class<?>> out = new java.util.LinkedHashSet<>();
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            collect(k.getInterfaces(), wrapPackage, out);
        }
        return out.toArray(new Class<?>[0]);
    }

    private static void collect(Class<?>[] interfaces, String wrapPackage, java.util.Set<Class<?>> out) {
        for (Class<?> i : interfaces) {
            if (i.getName().startsWith(wrapPackage)) {
                out.add(i);
            }
            collect(i.getInterfaces(), wrapPackage, out);
        }
    }

    @SuppressWarnings("unchecked")
    private <R> InvocationHandler handler(Object delegate, String wrapPackage, Class<R> tracked, Consumer<R> record) {
        final Class<?> type = EventBus.class;
        return new InvocationHandler() {
            @Override
            public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
                if (method.getDeclaringClass() == Object.class) {
                    return switch (method.getName()) {
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        default -> "scoped " + delegate;
                    };
                }
                Object result;
                try {
                    result = method.invoke(delegate, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
                if (result == null) {
                    return null;
                }
                Class<?> rt = method.getReturnType();
                if (tracked.isAssignableFrom(rt) || tracked.isInstance(result)) {
                    if (closed) {
                        cancel(result);
                        throw new IllegalStateException("the app is stopped; registration cancelled");
                    }
                    record.accept((R) result);
                    return result;
                }
                if (wrapPackage != null && rt.isInterface() && rt.getName().startsWith(wrapPackage)) {
                    // a builder: wrap it under every API interface it implements (self-typed chains)
                    Class<?>[] api = apiInterfaces(result.getClass(), wrapPackage);
                    if (api.length > 0) {
                        return Proxy.newProxyInstance(type.getClassLoader(), api,
                                handler(result, wrapPackage, tracked, record));
                    }
                }
                return result;
            }
        };
    }

    private static void cancel(Object registration) {
        if (registration instanceof Subscription s) {
            s.cancel();
        } else if (registration instanceof JobHandle j) {
            j.cancel();
        }
    }
}

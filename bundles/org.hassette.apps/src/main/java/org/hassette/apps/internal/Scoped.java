package org.hassette.apps.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.hassette.api.app.AppError;
import org.hassette.api.app.AppErrorHandler;
import org.hassette.api.bus.BusError;
import org.hassette.api.bus.ErrorHandler;
import org.hassette.api.bus.EventBus;
import org.hassette.api.bus.ListenerBuilder;
import org.hassette.api.bus.Subscription;
import org.hassette.api.constraints.Constraint;
import org.hassette.api.constraints.ConstraintContext;
import org.hassette.api.constraints.Verdict;
import org.hassette.api.scheduler.JobErrorHandler;
import org.hassette.api.scheduler.JobHandle;
import org.hassette.api.scheduler.JobOptions;
import org.hassette.api.scheduler.Scheduler;
import org.slf4j.Logger;

/**
 * Per-app-instance views of the bus and the scheduler: they delegate everything and remember each
 * {@link Subscription} and {@link JobHandle} created through them, so {@link #close()} removes
 * exactly what this app instance registered (two instances of one bundle share the bundle's bus).
 * Builders returned by the bus are wrapped the same way, so {@code subscribe} is seen wherever it
 * is called in a chain. Listener and job names (and job groups) the app gives are scoped to the
 * instance ({@link #qualify}), in registrations and in lookups by name.
 *
 * <p>They also apply the app-wide policy of {@link org.hassette.api.app.AppContext}: every listener
 * and job gets the {@linkplain #constrainAll app-wide constraints} (one gate constraint that reads
 * the current set, so later calls apply to earlier registrations) and, unless it has its own, an
 * error handler that passes its failures to the {@linkplain #onError app's error handler}.
 *
 * <p>Public (in a package that is never exported) only so that the app test kit gives apps the same
 * views on a plain class path.
 */
public final class Scoped implements AutoCloseable {
    /** Name of the gate constraint every listener and job of an app carries. */
    static final String GATE = "app-wide constraints";

    private final String appId;
    private final Logger log;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final List<JobHandle> jobs = new CopyOnWriteArrayList<>();
    private final List<Constraint> appConstraints = new CopyOnWriteArrayList<>();
    private volatile AppErrorHandler errorHandler;
    private volatile boolean closed;

    private final Constraint gate = new Constraint() {
        @Override
        public String name() {
            return GATE;
        }

        @Override
        public Verdict check(ConstraintContext context) {
            for (Constraint c : appConstraints) {
                Verdict v = c.check(context);
                if (!v.allowed()) {
                    return Verdict.deny(v.constraint() + " (app-wide)", v.detail());
                }
            }
            return Verdict.allow(GATE, "");
        }

        @Override
        public String toString() {
            return GATE + " of " + appId;
        }
    };

    private final ErrorHandler listenerErrors = this::listenerFailed;
    private final JobErrorHandler jobErrors = (job, error) -> deliver(AppError.of(appId(), job, error));

    /**
     * @param appId the app instance id, named in errors
     * @param log   the app's logger: listener failures go there while the app has no error handler
     */
    public Scoped(String appId, Logger log) {
        this.appId = Objects.requireNonNull(appId, "appId");
        this.log = Objects.requireNonNull(log, "log");
    }

    private String appId() {
        return appId;
    }

    public EventBus bus(EventBus delegate) {
        return wrap(EventBus.class, delegate, "org.hassette.api.bus.", Subscription.class, subscriptions::add);
    }

    public Scheduler scheduler(Scheduler delegate) {
        return wrap(Scheduler.class, delegate, null, JobHandle.class, jobs::add);
    }

    /** See {@link org.hassette.api.app.AppContext#onError}. */
    public void onError(AppErrorHandler handler) {
        this.errorHandler = handler;
    }

    /** See {@link org.hassette.api.app.AppContext#constrainAll}. */
    public void constrainAll(Constraint... constraints) {
        List<Constraint> add = new ArrayList<>();
        for (Constraint c : constraints) {
            add.add(Objects.requireNonNull(c, "constraint"));
        }
        appConstraints.addAll(add);
    }

    /** Names of the app-wide constraints, in the order they were added. */
    public List<String> constraintNames() {
        return appConstraints.stream().map(Constraint::name).toList();
    }

    int subscriptionCount() {
        return (int) subscriptions.stream().filter(s -> !s.isCancelled()).count();
    }

    int jobCount() {
        return jobs.size();
    }

    private void listenerFailed(BusError e) {
        if (errorHandler == null) {
            // what the bus logs for a listener without an error handler
            log.warn("Event bus listener '{}' failed ({}) on {}: {}", e.listener(), e.phase(), e.event(), String.valueOf(e.error()), e.error());
            return;
        }
        deliver(AppError.of(appId, e));
    }

    private void deliver(AppError error) {
        AppErrorHandler h = errorHandler;
        if (h == null) {
            return; // a job failure: the scheduler logged it
        }
        try {
            h.onError(error);
        } catch (RuntimeException | LinkageError e) {
            log.warn("The error handler of {} threw on {}: {}", appId, error, e.toString());
        }
    }

    /**
     * The name as registered. Bus and scheduler names are unique per bundle, and every instance of an
     * app shares its bundle's: a name the app gives is scoped to the instance as
     * {@code <appId>:<name>}, so two instances can both name a job {@code tick}. A name that already
     * starts with the app id (the form the platform's own examples wrote by hand) is kept.
     */
    String qualify(String name) {
        if (name == null || name.isBlank() || name.equals(appId) || name.startsWith(appId + ":")) {
            return name;
        }
        return appId + ":" + name;
    }

    /** A group is scoped like a name; the default group ({@code ""}) stays as it is. */
    private String qualifyGroup(String group) {
        return group == null || group.isEmpty() ? group : qualify(group);
    }

    /** The job's options with its name and group scoped to the instance, the app's gate and, unless it has its own, the app's error handler. */
    JobOptions withAppPolicy(JobOptions o) {
        JobOptions.Builder b = JobOptions.builder();
        o.name().map(this::qualify).ifPresent(b::name);
        b.group(qualifyGroup(o.group())).jitter(o.jitterMin(), o.jitterMax()).mode(o.mode());
        for (JobOptions.Where w : o.where()) {
            b.where(w.reason(), w.predicate());
        }
        b.constrainedBy(o.constraints().toArray(new Constraint[0]));
        b.constrainedBy(gate);
        o.timeout().ifPresent(b::timeout);
        b.onError(o.onError().orElse(jobErrors));
        return b.build();
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
                handler(delegate, wrapPackage, tracked, record, new Chain()));
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

    /** What one builder chain asked for so far. */
    private static final class Chain {
        volatile boolean ownErrorHandler;
        volatile boolean policyApplied;
    }

    @SuppressWarnings("unchecked")
    private <R> InvocationHandler handler(Object delegate, String wrapPackage, Class<R> tracked, Consumer<R> record, Chain chain) {
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
                if (delegate instanceof Scheduler) {
                    if (method.isDefault() && !takesOptions(method)) {
                        // runIn(delay, task) and friends: through the proxy, so the options get the app's policy
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    for (int i = 0; args != null && i < args.length; i++) {
                        if (args[i] instanceof JobOptions o) {
                            args[i] = withAppPolicy(o);
                        }
                    }
                    if (args != null && args.length == 1 && args[0] instanceof String key) {
                        // lookups by the name or group the app gave: job, cancel, jobs(group), cancelGroup
                        args[0] = switch (method.getName()) {
                            case "job", "cancel" -> qualify(key);
                            case "jobs", "cancelGroup" -> qualifyGroup(key);
                            default -> key;
                        };
                    }
                }
                if (delegate instanceof ListenerBuilder<?, ?> b) {
                    if (method.getName().equals("onError") && method.getParameterCount() == 1) {
                        chain.ownErrorHandler = args[0] != null;
                    } else if (method.getName().equals("subscribe") && args != null && args.length == 2 && args[0] instanceof String name) {
                        args[0] = qualify(name);
                    }
                    if (method.getName().equals("subscribe") && !chain.policyApplied) {
                        chain.policyApplied = true;
                        b.constrainedBy(gate);
                        if (!chain.ownErrorHandler) {
                            b.onError(listenerErrors);
                        }
                    }
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
                    // a builder: wrap it under every API interface it implements (self-typed chains);
                    // the same builder continues its chain, a new one starts its own
                    Class<?>[] api = apiInterfaces(result.getClass(), wrapPackage);
                    if (api.length > 0) {
                        return Proxy.newProxyInstance(type.getClassLoader(), api,
                                handler(result, wrapPackage, tracked, record, result == delegate ? chain : new Chain()));
                    }
                }
                return result;
            }
        };
    }

    private static boolean takesOptions(Method m) {
        for (Class<?> p : m.getParameterTypes()) {
            if (p == JobOptions.class) {
                return true;
            }
        }
        return false;
    }

    private static void cancel(Object registration) {
        if (registration instanceof Subscription s) {
            s.cancel();
        } else if (registration instanceof JobHandle j) {
            j.cancel();
        }
    }
}

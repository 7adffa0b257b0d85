package org.hassette.websocket.internal;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Just enough of a {@link BundleContext} to run the connection component outside OSGi: it records the
 * services registered (the status service, {@code HomeAssistantConnection}) and which are still registered.
 */
final class FakeContext {
    /** One registration: the service object and whether it was unregistered. */
    static final class Registered {
        final String type;
        final Object service;
        final Map<String, Object> properties = new java.util.concurrent.ConcurrentHashMap<>();
        /** Every set of properties the registration had, in order. */
        final List<Map<String, Object>> history = new CopyOnWriteArrayList<>();
        volatile boolean unregistered;

        Registered(String type, Object service) {
            this.type = type;
            this.service = service;
        }
    }

    final List<Registered> registrations = new CopyOnWriteArrayList<>();
    final BundleContext context = (BundleContext) Proxy.newProxyInstance(FakeContext.class.getClassLoader(),
            new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "registerService": {
                        Object type = args[0];
                        String name = type instanceof Class ? ((Class<?>) type).getName()
                                : type instanceof String[] ? ((String[]) type)[0] : String.valueOf(type);
                        Registered r = new Registered(name, args[1]);
                        copy(args[2], r.properties);
                        r.history.add(Map.copyOf(r.properties));
                        registrations.add(r);
                        return registration(r);
                    }
                    case "getProperty":
                        return null;
                    case "toString":
                        return "FakeContext";
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    case "equals":
                        return proxy == args[0];
                    default:
                        return null;
                }
            });

    private static void copy(Object dictionary, Map<String, Object> into) {
        if (dictionary instanceof java.util.Dictionary) {
            java.util.Dictionary<?, ?> d = (java.util.Dictionary<?, ?>) dictionary;
            for (java.util.Enumeration<?> e = d.keys(); e.hasMoreElements();) {
                Object k = e.nextElement();
                into.put(String.valueOf(k), d.get(k));
            }
        }
    }

    private static ServiceRegistration<?> registration(Registered r) {
        return (ServiceRegistration<?>) Proxy.newProxyInstance(FakeContext.class.getClassLoader(),
                new Class<?>[] {ServiceRegistration.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "unregister":
                            r.unregistered = true;
                            return null;
                        case "setProperties":
                            r.properties.clear();
                            copy(args[0], r.properties);
                            r.history.add(Map.copyOf(r.properties));
                            return null;
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            return null;
                    }
                });
    }

    /** The live registrations of a type, oldest first. */
    List<Registered> live(Class<?> type) {
        return registrations.stream().filter(r -> r.type.equals(type.getName()) && !r.unregistered).toList();
    }

    /** Every registration of a type ever made, oldest first. */
    List<Registered> all(Class<?> type) {
        return registrations.stream().filter(r -> r.type.equals(type.getName())).toList();
    }

    /** A configuration with the defaults of {@code type} except {@code overrides} (by method name). */
    @SuppressWarnings("unchecked")
    static <A> A config(Class<A> type, Map<String, Object> overrides) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (overrides.containsKey(method.getName())) {
                return overrides.get(method.getName());
            }
            Object d = method.getDefaultValue();
            if (d != null) {
                return d;
            }
            switch (method.getName()) {
                case "hashCode":
                    return 0;
                case "toString":
                    return "config";
                case "annotationType":
                    return type;
                default:
                    return null;
            }
        });
    }
}

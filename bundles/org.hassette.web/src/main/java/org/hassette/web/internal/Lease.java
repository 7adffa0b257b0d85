package org.hassette.web.internal;

import org.osgi.service.component.ComponentServiceObjects;

/**
 * A service got on the caller's thread and released on {@link #close()}. Used for the app registry:
 * a greedy reference would get it while binding, on whatever thread registered it (the database's
 * writer thread at startup), and its provider's constructor writes to the database and waits for
 * that write, so it would wait for itself.
 */
final class Lease<T> implements AutoCloseable {
    private final ComponentServiceObjects<T> objects;
    final T service;

    private Lease(ComponentServiceObjects<T> objects) {
        this.objects = objects;
        T s = null;
        if (objects != null) {
            try {
                s = objects.getService();
            } catch (RuntimeException e) {
                s = null; // unregistered meanwhile, or its component failed to activate
            }
        }
        this.service = s;
    }

    static <T> Lease<T> of(ComponentServiceObjects<T> objects) {
        return new Lease<>(objects);
    }

    @Override
    public void close() {
        if (service != null) {
            try {
                objects.ungetService(service);
            } catch (RuntimeException e) {
                // already released with the reference
            }
        }
    }
}

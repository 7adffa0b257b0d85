package org.hassette.api.lifecycle;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type declaring how the watcher supervises a core resource. Each element
 * becomes a component property {@code hassette.restart.<name>} (underscores become dots), so any of
 * them can be overridden by a configuration for the component's PID, e.g. in
 * {@code etc/org.hassette.database.internal.SqliteDatabase.cfg}: {@code hassette.restart.budget=10}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface RestartPolicy {
    String PREFIX_ = "hassette.restart.";

    /**
     * {@code permanent}: budget exhausted is fatal (platform shuts down); {@code transient}: cool down,
     * then try again ({@link #cooldown_cycles()} times); {@code temporary}: give up and stay down;
     * {@code none}: not supervised (failures are reported, never acted on).
     */
    String type() default "transient";

    /** Restarts allowed within {@link #window_seconds()}. */
    int budget() default 5;

    /** Length of the sliding budget window. */
    int window_seconds() default 300;

    /** First backoff delay. */
    long backoff_base_ms() default 1000;

    /** Growth of the backoff per attempt. */
    double backoff_multiplier() default 2.0;

    /** Backoff cap. */
    long backoff_max_ms() default 60_000;

    /** Random spread of each delay, 0..1 (0.1 = ±10 %). */
    double backoff_jitter() default 0.1;

    /** A restart counts as failed unless the resource is ready within this time. */
    int readiness_timeout_seconds() default 30;

    /** Cooldown before a transient resource is tried again after its budget ran out. */
    int cooldown_seconds() default 300;

    /** Cooldown cycles before a transient resource is given up (0 = never). */
    int cooldown_cycles() default 0;

    /** Simple names of exceptions that are fatal at once. */
    String[] fatal_errors() default {};

    /** Simple names of exceptions not worth a retry (go straight to exhaustion). */
    String[] nonretryable_errors() default {};
}

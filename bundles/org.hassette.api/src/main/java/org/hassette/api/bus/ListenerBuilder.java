package org.hassette.api.bus;

import java.time.Duration;
import org.hassette.api.constraints.Constraint;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Options shared by every kind of listener. Each call returns this builder; invalid combinations
 * ({@code debounce} with {@code throttle}; {@code once} with {@code debounce} or {@code throttle};
 * {@code holdFor} with {@code debounce}; non-positive durations or queue depths) are rejected by
 * {@link #subscribe} with an {@link IllegalArgumentException} naming the options.
 *
 * @param <E> the event type handlers receive
 * @param <B> the concrete builder type
 */
@ProviderType
public interface ListenerBuilder<E, B extends ListenerBuilder<E, B>> {

    /** Adds a predicate on the event; all predicates must hold. A throwing predicate counts as not matching and is reported. */
    B where(Condition<? super E> predicate);

    /**
     * Runs the handler only while every constraint allows it, checked right before each call (after
     * filters, {@code holdFor}, {@code debounce} and {@code throttle}). A call a constraint says no to is
     * skipped: counted in {@link ListenerStats#skipped()} and reported to {@link InvocationListener}s
     * with outcome {@link InvocationRecord.Outcome#SKIPPED} and the verdict's message as detail; it does
     * not use up {@link #once()}. A throwing constraint counts as a throwing predicate.
     */
    B constrainedBy(Constraint... constraints);

    /** Removed after the first invocation attempt, even if the handler failed. */
    B once();

    /** Trailing edge: runs once after {@code quiet} without matching events, with the latest event. */
    B debounce(Duration quiet);

    /** Leading edge: runs, then ignores matching events for {@code period}. */
    B throttle(Duration period);

    /** Handler time limit: past it the handler is interrupted and the error handler receives a timeout. */
    B timeout(Duration limit);

    /** What happens when an event arrives while the handler runs; default {@link ExecutionMode#queued(int)} of the queue capacity. */
    B mode(ExecutionMode mode);

    /** Receives predicate and handler failures of this listener (default: logged). */
    B onError(ErrorHandler errorHandler);

    /** What {@link #subscribe} does when a listener of the same name exists; default {@link IfExists#ERROR}. */
    B ifExists(IfExists policy);

    /**
     * Registers the listener.
     *
     * @param name unique name (per bus) used for idempotent registration, stats and telemetry
     * @throws IllegalArgumentException for invalid options, a blank name
     * @throws IllegalStateException    when the name exists and the policy is {@link IfExists#ERROR},
     *                                  or {@link IfExists#SKIP} finds a listener with other options
     */
    Subscription subscribe(String name, Handler<? super E> handler);
}

package org.hassette.api.bus;

import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A state (or attribute) change listener. {@code from}/{@code to} compare the raw values (the state
 * string, or the attribute value for attribute listeners): a literal, a glob ({@code *}, {@code ?})
 * or a {@link Condition}.
 */
@ProviderType
public interface StateChangeBuilder extends ListenerBuilder<StateChange, StateChangeBuilder> {

    /** The value before must equal (or, with {@code *}/{@code ?}, match) this. */
    StateChangeBuilder from(String literalOrGlob);

    /** The value before must satisfy this. */
    StateChangeBuilder from(Condition<Object> condition);

    /** The value after must equal (or match) this. */
    StateChangeBuilder to(String literalOrGlob);

    /** The value after must satisfy this. */
    StateChangeBuilder to(Condition<Object> condition);

    /** Also fire when only attributes changed (state listeners ignore those by default). */
    StateChangeBuilder includeAttributeChanges();

    /**
     * Fires only if the entity keeps the new state for {@code duration}; any further change of the
     * entity cancels the pending call.
     */
    StateChangeBuilder holdFor(Duration duration);

    /**
     * Also fires once at registration for each matching entity with its current state ({@code old}
     * is null; {@code from} is not applied to this synthetic change). Composes with {@link #holdFor}: the
     * hold counts from the entity's {@code last_changed}, so a state that has held long enough already
     * fires at once and one that has held for part of it fires after the rest (after an app restart,
     * "open for 10 minutes" still means since it opened). Without {@code last_changed} it counts from now.
     */
    StateChangeBuilder immediate();
}

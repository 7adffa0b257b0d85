package org.hassette.api.bus;

import org.hassette.api.ha.HaEvent;
import org.osgi.annotation.versioning.ProviderType;

/** A listener to Home Assistant events. */
@ProviderType
public interface HaEventBuilder extends ListenerBuilder<HaEvent, HaEventBuilder> {

    /**
     * The value at {@code path} in the event data (dots descend into maps, e.g.
     * {@code service_data.entity_id}) must satisfy {@code condition}; a missing value is {@code null}.
     */
    HaEventBuilder whereData(String path, Condition<Object> condition);
}

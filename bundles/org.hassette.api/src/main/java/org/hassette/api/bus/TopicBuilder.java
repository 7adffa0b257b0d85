package org.hassette.api.bus;

import org.osgi.annotation.versioning.ProviderType;

/** A listener to in-process messages. */
@ProviderType
public interface TopicBuilder extends ListenerBuilder<BusMessage, TopicBuilder> {
}

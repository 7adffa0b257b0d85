package org.hassette.api.bus;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Subscribes handlers to what happens in Home Assistant and in the platform. Registered as a
 * service while its dispatcher runs, whether or not Home Assistant is connected; events flow as soon
 * as a connection and a state cache appear.
 *
 * <p>Each {@code on*} method returns a builder; nothing is registered until
 * {@link ListenerBuilder#subscribe(String, Handler)}, which validates the options and throws
 * {@link IllegalArgumentException} for invalid combinations. Example:
 *
 * <pre>{@code
 * bus.onStateChange("binary_sensor.hall_motion").to("on")
 *    .subscribe("hall-motion", change -> api.turnOn("light.hall"));
 * }</pre>
 */
@ProviderType
public interface EventBus {

    /**
     * State changes of entities: an entity id ({@code light.kitchen}), a glob ({@code light.*kitchen*})
     * or a domain ({@code light}, no dot). Attribute-only changes are ignored unless asked for.
     */
    StateChangeBuilder onStateChange(String entityIdGlobOrDomain);

    /** State changes of any of the given entity ids, globs or domains. */
    StateChangeBuilder onStateChange(List<String> entityIdsGlobsOrDomains);

    /** Changes of one attribute of one entity (or glob); fires only when that attribute's value differs. */
    StateChangeBuilder onAttributeChange(String entityIdOrGlob, String attribute);

    /** Home Assistant events of one type ({@code null} or {@code *} for every type). */
    HaEventBuilder onEvent(String eventType);

    /**
     * {@code call_service} events of a domain and service ({@code null} or a glob for any); add
     * {@link HaEventBuilder#whereData} to match service data.
     */
    HaEventBuilder onServiceCall(String domain, String service);

    /** Messages emitted in-process on a topic ({@code *} and {@code ?} globs allowed). */
    TopicBuilder onTopic(String topic);

    /** Posts a message to every listener of a matching topic. Never blocks. */
    void emit(String topic, Object payload);

    /** The current listeners, by name. */
    List<Subscription> listeners();
}

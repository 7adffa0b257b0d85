package org.hassette.api.bus;

import java.time.Instant;

/**
 * A message emitted in-process with {@link EventBus#emit}.
 *
 * @param topic   the topic it was emitted on
 * @param payload what the emitter passed (shared as is: treat it as read-only)
 * @param time    when it was emitted
 */
public record BusMessage(String topic, Object payload, Instant time) {
}
